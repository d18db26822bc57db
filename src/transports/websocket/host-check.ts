import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AddressInfo, isIP } from 'node:net';
import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import { checkHostName, describeValue } from '../../protocol/options.js';
import type { Logger } from '../transport.js';

/**
 * Extra host names the server answers to on loopback (a public name a reverse proxy forwards), or
 * `true` to answer to any `Host` (no check).
 */
export type AllowedHosts = readonly string[] | true;

/** Distinct refused names logged before the log falls silent (a flood must not flood the log). */
const MAX_LOGGED_NAMES = 16;

/**
 * DNS rebinding: a page on `attacker.example` makes its name resolve to 127.0.0.1, and the browser then
 * treats our loopback server as the attacker's own origin: it may read anything the server hands out.
 * The request still says `Host: attacker.example`, so a server bound to loopback answers only requests
 * that name it: `localhost` (and `*.localhost`), an IP address (a page loaded from an IP address has
 * that address as its origin, which no DNS answer can change), the host it was told to listen on, and
 * `allowedHosts`. The port is not compared: a rebinding page reaches the right port by construction,
 * and a proxy may forward another one.
 *
 * A server bound to a non-loopback address is checked only when `allowedHosts` lists names: the names
 * it is reached by are not ours to guess. Requests without `Host` (not from a browser) pass.
 */
export class HostCheck {
  private readonly names: ReadonlySet<string>;
  private readonly any: boolean;
  private readonly explicit: boolean;
  private loopback: boolean | undefined;
  private readonly logged = new Set<string>();

  /** @throws IpcError `ERR_IPC_INVALID_ARGUMENT` when `allowed` is not a list of host names or `true`. */
  constructor(
    allowed: AllowedHosts | undefined,
    private readonly address: () => AddressInfo | string | null,
    private readonly logger: Logger,
    /** The name the server was told to listen on (`createServer({ host })`), served like loopback names. */
    listenHost?: string,
  ) {
    if (allowed !== undefined && allowed !== true) {
      if (!Array.isArray(allowed)) {
        throw new IpcError(
          IpcErrorCode.InvalidArgument,
          `allowedHosts must be a list of host names (['app.example.com']) or true for any (got ${describeValue(allowed)}).`,
        );
      }
      for (const [index, name] of allowed.entries()) checkHostName(`allowedHosts[${index}]`, name);
    }
    this.any = allowed === true;
    this.explicit = Array.isArray(allowed) && allowed.length > 0;
    const names = allowed === true ? [] : [...(allowed ?? [])];
    if (listenHost !== undefined) names.push(listenHost);
    this.names = new Set(names.map(normalizeName));
  }

  /** Whether a request with this `Host` header may be served. */
  allows(host: string | undefined): boolean {
    if (this.any || host === undefined || !this.active()) return true;
    const name = nameOf(host);
    if (name === undefined) return false;
    return (
      name === 'localhost' ||
      name.endsWith('.localhost') ||
      isIP(unbracket(name)) !== 0 ||
      this.names.has(name)
    );
  }

  /** Answers 403 and logs the refused name (once per name). */
  refuse(req: IncomingMessage, res: ServerResponse): void {
    const host = String(req.headers.host);
    const name = nameOf(host) ?? host.slice(0, 100);
    if (this.logged.size < MAX_LOGGED_NAMES && !this.logged.has(name)) {
      this.logged.add(name);
      this.logger.warn(
        { code: IpcErrorCode.Refused, host: name, url: req.url },
        `ipc-anywhere: refused requests for Host '${name}': not a name this loopback server serves (DNS rebinding guard). If it is yours, add it to allowedHosts.${
          this.logged.size === MAX_LOGGED_NAMES ? ' Further refused names are not logged.' : ''
        }`,
      );
    }
    req.resume();
    res
      .writeHead(403, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' })
      .end(
        `Refused: Host '${name}' is not a name this server serves (add it to allowedHosts if it is yours).`,
      );
  }

  private active(): boolean {
    if (this.explicit) return true;
    if (this.loopback !== undefined) return this.loopback;
    const address = this.address();
    if (!address) return false; // not listening yet: decide on the first request that can arrive
    // A pipe or a Unix socket cannot be reached by a browser page at all.
    this.loopback = typeof address !== 'string' && isLoopbackAddress(address.address);
    return this.loopback;
  }
}

/** Whether an interface address is loopback (127.0.0.0/8, ::1, an IPv4-mapped 127.x). */
export function isLoopbackAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

/** The host name of a `Host` header: lower case, port and trailing dot dropped, IPv6 in brackets. */
function nameOf(host: string): string | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]/?#@]+)(?::\d{1,5})?$/.exec(host.trim());
  return match ? normalizeName(match[1]!) : undefined;
}

function normalizeName(name: string): string {
  let normalized = name.toLowerCase();
  if (normalized.endsWith('.')) normalized = normalized.slice(0, -1);
  // A bare IPv6 address in allowedHosts matches the bracketed form of a Host header.
  if (isIP(normalized) === 6) normalized = `[${normalized}]`;
  return normalized;
}

function unbracket(name: string): string {
  return name.startsWith('[') ? name.slice(1, -1) : name;
}
