import { type AddressInfo, createServer, connect as netConnect, type Socket } from 'node:net';

const EMPTY = Buffer.alloc(0);

/**
 * Counts the WebSocket frames in one direction of a connection (after the HTTP upgrade), and among
 * them the zero-length binary ones: keepalive pings (renderer to main) and their answers (main to
 * renderer). Payloads are skipped, not buffered.
 */
class FrameCounter {
  frames = 0;
  emptyBinary = 0;
  /** Called as each zero-length binary frame is counted, before it is forwarded. */
  onEmptyBinary: (() => void) | undefined;
  private upgraded = false;
  private http = '';
  private head: Buffer = EMPTY;
  private skip = 0;

  feed(chunk: Buffer): void {
    let data = chunk;
    if (!this.upgraded) {
      this.http += data.toString('latin1');
      const end = this.http.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.upgraded = true;
      data = Buffer.from(this.http.slice(end + 4), 'latin1');
      this.http = '';
    }
    while (data.length > 0) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, data.length);
        this.skip -= n;
        data = data.subarray(n);
        continue;
      }
      this.head = Buffer.concat([this.head, data]);
      data = EMPTY;
      const header = parseHeader(this.head);
      if (!header) return;
      this.frames += 1;
      if (header.opcode === 2 && header.length === 0) {
        this.emptyBinary += 1;
        this.onEmptyBinary?.();
      }
      this.skip = header.length;
      data = this.head.subarray(header.size);
      this.head = EMPTY;
    }
  }
}

function parseHeader(bytes: Buffer): { opcode: number; length: number; size: number } | undefined {
  if (bytes.length < 2) return undefined;
  const opcode = bytes[0]! & 0x0f;
  const masked = (bytes[1]! & 0x80) !== 0;
  let length = bytes[1]! & 0x7f;
  let size = 2;
  if (length === 126) {
    if (bytes.length < 4) return undefined;
    length = bytes.readUInt16BE(2);
    size = 4;
  } else if (length === 127) {
    if (bytes.length < 10) return undefined;
    length = Number(bytes.readBigUInt64BE(2));
    size = 10;
  }
  if (masked) size += 4;
  return bytes.length < size ? undefined : { opcode, length, size };
}

/** A loopback TCP proxy in front of one server, for one WebSocket connection at a time. */
export interface SilentProxy {
  /** `http://127.0.0.1:<proxy port>`. */
  readonly url: string;
  /** From now on, forwards nothing either way and closes nothing: the link is silent, not gone. */
  silence(): void;
  /** Zero-length binary frames seen from the client (pings) and from the server (their answers). */
  readonly pings: number;
  readonly answers: number;
  /** Called as each ping passes, before it is forwarded (e.g. to block the event loop right then). */
  onPing: (() => void) | undefined;
  /** Connections the proxy accepted. */
  readonly connections: number;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 in front of `target` (an http URL on 127.0.0.1). */
export async function startSilentProxy(target: string): Promise<SilentProxy> {
  const targetPort = Number(new URL(target).port);
  const sockets = new Set<Socket>();
  const up = new FrameCounter();
  const down = new FrameCounter();
  let silent = false;
  let connections = 0;
  const server = createServer((client) => {
    connections += 1;
    const upstream = netConnect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (data) => {
      if (silent) return;
      up.feed(data);
      upstream.write(data);
    });
    upstream.on('data', (data) => {
      if (silent) return;
      down.feed(data);
      client.write(data);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    silence() {
      silent = true;
    },
    get pings() {
      return up.emptyBinary;
    },
    get answers() {
      return down.emptyBinary;
    },
    get connections() {
      return connections;
    },
    get onPing() {
      return up.onEmptyBinary;
    },
    set onPing(listener) {
      up.onEmptyBinary = listener;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
