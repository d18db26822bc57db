import type { AddressInfo } from 'node:net';

/** Which page origins may connect: a list of exact origins, or a predicate. */
export type AllowedOrigins = readonly string[] | ((origin: string) => boolean);

/**
 * Decides whether a request's `Origin` may connect. The default allows exactly the server's own
 * origins (`http://127.0.0.1:PORT`, `http://localhost:PORT`, `http://[::1]:PORT`, and the bound host),
 * never the request's `Host` header, which a DNS-rebinding page controls.
 *
 * A request without `Origin` comes from a non-browser client (every browser sends it on WebSocket
 * upgrades and POSTs); such a client could claim any origin anyway, so it is allowed unless
 * `allowMissingOrigin` is false. Its `senderFrame.origin` is `'null'`.
 */
export class OriginPolicy {
  private readonly allowed: AllowedOrigins | undefined;

  constructor(
    allowed: AllowedOrigins | undefined,
    private readonly address: () => AddressInfo | string | null,
    private readonly secure: boolean,
    readonly allowMissingOrigin = true,
  ) {
    this.allowed = Array.isArray(allowed) ? allowed.map(normalizeOrigin) : allowed;
  }

  /** `true` for an allowed origin; `undefined` headers mean a non-browser client. */
  allows(origin: string | undefined): boolean {
    if (origin === undefined) return this.allowMissingOrigin;
    const allowed = this.allowed;
    if (typeof allowed === 'function') return allowed(origin);
    const list = allowed ?? this.ownOrigins();
    return list.includes(normalizeOrigin(origin));
  }

  /** The server's own origins (the default allow-list). */
  ownOrigins(): string[] {
    const address = this.address();
    if (!address || typeof address === 'string') return [];
    const scheme = this.secure ? 'https' : 'http';
    const port = address.port;
    const hosts = new Set(['127.0.0.1', 'localhost', '[::1]']);
    const bound = address.address;
    if (bound !== '0.0.0.0' && bound !== '::') hosts.add(bound.includes(':') ? `[${bound}]` : bound);
    const defaultPort = this.secure ? 443 : 80;
    return [...hosts].map((host) => `${scheme}://${host}${port === defaultPort ? '' : `:${port}`}`);
  }
}

function normalizeOrigin(origin: string): string {
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? origin : url.origin;
  } catch {
    return origin;
  }
}
