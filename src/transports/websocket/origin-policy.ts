import type { AddressInfo } from 'node:net';
import { canonicalOrigin, checkAllowedOrigins } from '../../protocol/options.js';

/**
 * Which page origins may connect: one exact origin, a list of exact origins, or a predicate. A string
 * is exactly that origin (`'https://app.example.com'` does not accept `'https://app.example.co'`).
 */
export type AllowedOrigins = string | readonly string[] | ((origin: string) => boolean);

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
  private readonly allowed: readonly string[] | ((origin: string) => boolean) | undefined;
  /** The default allow-list and the address it was made for (the server may listen again elsewhere). */
  private own:
    | { readonly address: string; readonly port: number; readonly origins: readonly string[] }
    | undefined;

  /** @throws IpcError `ERR_IPC_INVALID_ARGUMENT` when `allowed` is not origins or a predicate. */
  constructor(
    allowed: AllowedOrigins | undefined,
    private readonly address: () => AddressInfo | string | null,
    private readonly secure: boolean,
    readonly allowMissingOrigin = true,
  ) {
    checkAllowedOrigins('allowedOrigins', allowed);
    this.allowed =
      typeof allowed === 'string'
        ? [canonicalOrigin(allowed)!]
        : Array.isArray(allowed)
          ? allowed.map((origin: string) => canonicalOrigin(origin)!)
          : (allowed as ((origin: string) => boolean) | undefined);
  }

  /** `true` for an allowed origin; `undefined` headers mean a non-browser client. */
  allows(origin: string | undefined): boolean {
    if (origin === undefined) return this.allowMissingOrigin;
    const allowed = this.allowed;
    if (typeof allowed === 'function') {
      try {
        return Boolean(allowed(origin));
      } catch {
        return false; // a throwing predicate must not take the server down: the origin is refused
      }
    }
    const list = allowed ?? this.ownOrigins();
    // Browsers send origins in canonical form, so an exact match needs no URL parse (a sync request
    // checks its origin on every `sendSync`).
    if (list.includes(origin)) return true;
    const canonical = canonicalOrigin(origin);
    return canonical !== undefined && list.includes(canonical);
  }

  /** The server's own origins (the default allow-list). */
  ownOrigins(): readonly string[] {
    const address = this.address();
    if (!address || typeof address === 'string') return [];
    const own = this.own;
    if (own?.port === address.port && own.address === address.address) return own.origins;
    const origins = this.originsOf(address);
    this.own = { address: address.address, port: address.port, origins };
    return origins;
  }

  private originsOf(address: AddressInfo): string[] {
    const scheme = this.secure ? 'https' : 'http';
    const port = address.port;
    const hosts = new Set(['127.0.0.1', 'localhost', '[::1]']);
    const bound = address.address;
    if (bound !== '0.0.0.0' && bound !== '::') hosts.add(bound.includes(':') ? `[${bound}]` : bound);
    const defaultPort = this.secure ? 443 : 80;
    return [...hosts].map((host) => {
      const origin = `${scheme}://${host}${port === defaultPort ? '' : `:${port}`}`;
      return canonicalOrigin(origin) ?? origin;
    });
  }
}
