import { type AddressInfo, createServer, connect as netConnect, type Socket } from 'node:net';

/** A loopback TCP proxy that cuts its connections on demand or at random moments. */
export interface ChaosProxy {
  /** `http://127.0.0.1:<proxy port>`. */
  readonly url: string;
  /** Resets every connection passing through now (both sides see the TCP connection die). */
  cutAll(): number;
  /**
   * Cuts one random live connection every `minMs`..`maxMs` (from `random`, so a seeded run repeats)
   * until {@link stopCutting}.
   */
  cutRandomly(minMs: number, maxMs: number, random: () => number): void;
  stopCutting(): void;
  /** While refusing, new connections are reset at once (a main that is down). */
  refuse(refusing: boolean): void;
  /** Connections accepted, and connections cut. */
  readonly connections: number;
  readonly cuts: number;
  readonly live: number;
  /** Bytes forwarded so far, both directions together. */
  readonly bytes: number;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 in front of `target` (an http URL on 127.0.0.1). */
export async function startChaosProxy(target: string): Promise<ChaosProxy> {
  const targetPort = Number(new URL(target).port);
  const pairs = new Set<[Socket, Socket]>();
  let connections = 0;
  let cuts = 0;
  let bytes = 0;
  let refusing = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const server = createServer((client) => {
    if (refusing) {
      client.resetAndDestroy();
      return;
    }
    connections += 1;
    const upstream = netConnect(targetPort, '127.0.0.1');
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const count = (chunk: Buffer) => {
      bytes += chunk.byteLength;
    };
    client.on('data', count);
    upstream.on('data', count);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  const cut = (pair: [Socket, Socket]) => {
    pairs.delete(pair);
    cuts += 1;
    for (const socket of pair) if (!socket.destroyed) socket.resetAndDestroy();
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const proxy: ChaosProxy = {
    url: `http://127.0.0.1:${port}`,
    cutAll() {
      const all = [...pairs];
      for (const pair of all) cut(pair);
      return all.length;
    },
    cutRandomly(minMs, maxMs, random) {
      proxy.stopCutting();
      const next = () => {
        timer = setTimeout(
          () => {
            const all = [...pairs];
            if (all.length > 0) cut(all[Math.floor(random() * all.length)]!);
            next();
          },
          minMs + random() * (maxMs - minMs),
        );
      };
      next();
    },
    stopCutting() {
      clearTimeout(timer);
      timer = undefined;
    },
    refuse(value) {
      refusing = value;
    },
    get connections() {
      return connections;
    },
    get bytes() {
      return bytes;
    },
    get cuts() {
      return cuts;
    },
    get live() {
      return pairs.size;
    },
    close() {
      proxy.stopCutting();
      for (const pair of pairs) for (const socket of pair) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}

/**
 * A small seeded PRNG (mulberry32) for {@link ChaosProxy.cutRandomly}: the same seed gives the same
 * sequence of cut delays and victims, so a failing chaos run can be replayed with its seed.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
