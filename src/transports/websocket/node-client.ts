import { randomFillSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { binaryClientFrame } from './direct-frames.js';
import { endpointsFor } from './endpoints.js';
import { checkKeepaliveOptions, KEEPALIVE_OPTION_NAMES } from './keepalive.js';
import { checkReconnectOptions, RECONNECT_OPTION_NAMES } from './reconnect.js';
import {
  SocketRendererTransport,
  type SocketTransportOptions,
  type WebSocketLike,
} from './socket-renderer-transport.js';
import {
  createConnectionKey,
  KEY_PROTOCOL_PREFIX,
  limitProtocols,
  resumeProtocols,
  SUBPROTOCOL,
} from './wire.js';

export interface NodeTransportOptions extends SocketTransportOptions {
  /** What main reports as `webContents.getURL()`. Default: this process's main script as a file URL. */
  href?: string;
  /** Sent as the `Origin` header (a server only accepts origins on its allow-list). Default: none. */
  origin?: string;
  /** Extra headers for the upgrade request (e.g. authentication for a proxy). */
  headers?: Record<string, string>;
  /** Largest frame accepted from main. Default: 64 MiB + framing. */
  maxPayload?: number;
  /** What the renderer accepts (its `limits.maxPayload`), announced at the handshake. */
  announcedMaxPayload?: number;
}

/** The names {@link NodeTransportOptions} has, for callers that check for unknown ones. */
export const NODE_TRANSPORT_OPTION_NAMES: readonly string[] = [
  'href',
  'origin',
  'headers',
  'maxPayload',
  'announcedMaxPayload',
  ...KEEPALIVE_OPTION_NAMES,
  ...RECONNECT_OPTION_NAMES,
];

/**
 * A Node process's transport to the server at `serverUrl`, over `ws`. There is no blocking path in
 * Node without spending a thread per call, so `sendSync` throws `ERR_IPC_SYNC_UNSUPPORTED`.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` for a bad URL or keepalive option (before any socket opens).
 */
export function createNodeTransport(
  serverUrl: string,
  options: NodeTransportOptions = {},
): SocketRendererTransport {
  const href = options.href ?? pathToFileURL(process.argv[1] ?? process.cwd()).href;
  const endpoints = endpointsFor(serverUrl, href);
  checkKeepaliveOptions(options);
  checkReconnectOptions(options);
  const protocols = [
    SUBPROTOCOL,
    KEY_PROTOCOL_PREFIX + createConnectionKey(),
    ...limitProtocols(options.announcedMaxPayload),
  ];
  const socketOptions = {
    ...(options.origin !== undefined && { origin: options.origin }),
    ...(options.headers !== undefined && { headers: options.headers }),
    maxPayload: options.maxPayload ?? 64 * 1024 * 1024 + 16,
    perMessageDeflate: false,
    generateMask,
  };
  const context = { url: displayUrl(endpoints.socket), origin: options.origin };
  return new SocketRendererTransport(
    (offer) =>
      new ExplainingWebSocket(
        context,
        endpoints.socket,
        options.reconnect === false ? protocols : [...protocols, ...resumeProtocols(offer)],
        socketOptions,
      ) as unknown as WebSocketLike,
    undefined,
    options,
  );
}

/** What a failure message names: the socket URL without the query (`href` can be long). */
function displayUrl(socketUrl: string): string {
  const url = new URL(socketUrl);
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * `ws`'s client, whose abnormal close (1006) carries why: the URL and the cause (`ECONNREFUSED`, the
 * HTTP status a refused upgrade got, the reset of a live connection). The transport puts the close
 * reason in the `ERR_IPC_CLOSED` error that pending and later calls reject with; without this the
 * reason of a 1006 is empty.
 */
class ExplainingWebSocket extends WebSocket {
  #failure: string | undefined;
  #opened = false;
  /** The stream the upgrade took over, for {@link sendTransient}. */
  #stream: Duplex | undefined;
  #messageListener: ((data: Buffer, isBinary: boolean) => void) | undefined;

  constructor(
    context: { readonly url: string; readonly origin: string | undefined },
    address: string,
    protocols: string[],
    options: WebSocket.ClientOptions,
  ) {
    super(address, protocols, options);
    this.on('unexpected-response', (_request, response) => {
      const status = `${response.statusCode ?? 0} ${response.statusMessage ?? ''}`.trim();
      this.#failure ??= `${context.url} refused the WebSocket upgrade with HTTP ${status}${refusalHint(response.statusCode, response.statusMessage, context.origin)}`;
      response.resume();
      // ws leaves a refused handshake to whoever listens for it: end it (close code 1006 follows).
      this.terminate();
    });
    this.once('upgrade', (response: IncomingMessage) => {
      this.#stream = response.socket;
    });
    this.once('open', () => {
      this.#opened = true;
    });
    this.on('error', (error: Error & { code?: string }) => {
      const cause =
        error.code !== undefined && !error.message.includes(error.code)
          ? `${error.code}: ${error.message}`
          : error.message;
      const hint =
        !this.#opened && error.code === 'ECONNRESET'
          ? ' (the server closed the connection during the WebSocket handshake: is an ipc-anywhere server, createServer() or attach(), at that address?)'
          : '';
      this.#failure ??= `${this.#opened ? 'lost' : 'could not connect to'} ${context.url}: ${cause}${hint}`;
    });
  }

  /** See `WebSocketLike.setMessageListener` (messages as `ws` hands them over, no event object). */
  setMessageListener(listener: ((frame: Uint8Array | undefined) => void) | null): void {
    if (this.#messageListener) this.off('message', this.#messageListener);
    // A plain Uint8Array view over ws's Buffer: Buffer#slice shares memory where Uint8Array#slice copies.
    this.#messageListener =
      listener === null
        ? undefined
        : (data, isBinary) =>
            listener(isBinary ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : undefined);
    if (this.#messageListener) this.on('message', this.#messageListener);
  }

  /**
   * Sends bytes valid only during the call: a small frame is masked into one buffer with its header
   * and written to the stream at once (direct-frames.ts), a larger one goes through `ws`, which masks
   * natively and copies too. Called only while the socket is open.
   */
  sendTransient(data: Uint8Array): void {
    const stream = this.#stream;
    if (stream === undefined || data.byteLength > DIRECT_FRAME_MAX_BYTES) {
      this.send(data);
      return;
    }
    generateMask(directMask);
    stream.write(binaryClientFrame(data, directMask));
  }

  override emit(event: string | symbol, ...args: any[]): boolean {
    if (event === 'close' && args[0] === 1006 && this.#failure !== undefined) {
      return super.emit(event, 1006, Buffer.from(this.#failure));
    }
    return super.emit(event, ...args);
  }
}

/** What a refused upgrade most likely means, for the statuses ipc-anywhere's server and `ws` answer. */
function refusalHint(
  status: number | undefined,
  text: string | undefined,
  origin: string | undefined,
): string {
  if (status === 403 && text === 'Origin not allowed') {
    return ` (origin ${origin === undefined ? '(none)' : `'${origin}'`} is not in the server's allowedOrigins; add it there, or connect without origin)`;
  }
  if (status === 400 && text === 'Bad Request') {
    return ' (not ipc-anywhere\'s answer: another WebSocket server on that http server may take every upgrade, such as a ws WebSocketServer made with { server, path }; see docs/websocket.md, "Sharing the http server")';
  }
  if (status === 404) return " (nothing serves that path: is the URL the ipc-anywhere server's?)";
  if (status === 426) {
    return ' (the server got the request without its Upgrade header: a proxy in front of it does not forward WebSocket upgrades)';
  }
  return '';
}

/**
 * Frames up to this size are masked here (a loop, about a nanosecond a byte) and written in one go;
 * larger ones by `ws` (native masking).
 */
const DIRECT_FRAME_MAX_BYTES = 1024;
/** The masking key of the frame being built (copied into it). */
const directMask = Buffer.alloc(4);

const MASK_POOL_BYTES = 8192;
let maskPool: Buffer | undefined;
let maskPoolAt = MASK_POOL_BYTES;

/**
 * Masking keys as `ws` makes them (from a pool of random bytes), except that a key is never all zeros:
 * `ws` would then skip masking and keep the caller's buffer instead of a masked copy, and this client
 * hands `send` buffers that are reused once it returns (see `SocketRendererTransport.sendTransient`).
 */
function generateMask(mask: Buffer): void {
  if (maskPoolAt === MASK_POOL_BYTES) {
    maskPool ??= Buffer.allocUnsafe(MASK_POOL_BYTES);
    randomFillSync(maskPool);
    maskPoolAt = 0;
  }
  const pool = maskPool!;
  mask[0] = pool[maskPoolAt++]!;
  mask[1] = pool[maskPoolAt++]!;
  mask[2] = pool[maskPoolAt++]!;
  mask[3] = pool[maskPoolAt++]!;
  if ((mask[0] | mask[1] | mask[2] | mask[3]) === 0) mask[0] = 1;
}
