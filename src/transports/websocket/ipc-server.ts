import { statSync } from 'node:fs';
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import { PROTOCOL_MIN_PAYLOAD } from '../../protocol/messages.js';
import {
  checkBoolean,
  checkByteCount,
  checkInterval,
  checkNonEmptyString,
  checkTimeout,
  describeValue,
  MAX_TIMER_MS,
} from '../../protocol/options.js';
import { isSecretToken } from '../../protocol/secret-token.js';
import type { Logger, MainTransport } from '../transport.js';
import { BacklogBudget } from './backlog-budget.js';
import { type BoundAddress, followAddress } from './bound-address.js';
import { ClientScript, PreloadScripts } from './client-script.js';
import { type AllowedHosts, HostCheck } from './host-check.js';
import { type AllowedOrigins, OriginPolicy } from './origin-policy.js';
import { MainSideWebSocket, type SendPolicy, SocketMainTransport } from './socket-main-transport.js';
import { StaticFiles } from './static-files.js';
import { SyncEndpoint } from './sync-endpoint.js';
import { alreadyAnswered } from './upgrade-claim.js';
import {
  CloseCode,
  frameLimitFor,
  GUEST_PROTOCOL_PREFIX,
  isConnectionKey,
  KEY_PROTOCOL_PREFIX,
  LIMIT_PROTOCOL_PREFIX,
  NEXT_GUEST_PROTOCOL_PREFIX,
  RECEIVED_PROTOCOL_PREFIX,
  RESUMABLE_PROTOCOL,
  RESUME_PROTOCOL_PREFIX,
  SCRIPT_PATH,
  SUBPROTOCOL,
  SYNC_PATH,
  WS_PATH,
} from './wire.js';

/** Settings of the WebSocket transport's server side (see docs/websocket.md). */
export interface WebSocketTransportOptions {
  /** A directory served at `/` (GET/HEAD, no directory listings, nothing outside it). */
  static?: string;
  /**
   * Page origins that may connect: one origin (`'https://app.example'`, exactly that one), a list, or
   * a predicate. Default: the server's own origins.
   */
  allowedOrigins?: AllowedOrigins;
  /**
   * Host names a server bound to loopback answers to besides `localhost`, IP addresses and the host it
   * listens on (DNS-rebinding guard for static files and the classic script); `true`: any name.
   */
  allowedHosts?: AllowedHosts;
  /** Accept clients that send no `Origin` (Node processes). Default `true`. */
  allowMissingOrigin?: boolean;
  /** Largest message a page may send, announced to it. Default: main's `limits.maxPayload` (16 MiB). */
  maxPayload?: number;
  /**
   * Bytes main may have waiting to be sent to one page (not yet taken by the network). A page over it
   * that takes less than 64 KiB in 2 s, or whose backlog passes four times it (plus the largest message
   * in it), is closed as a slow consumer (`ERR_IPC_SLOW_CONSUMER`, logged). Default 4 MiB.
   */
  maxBufferedBytes?: number;
  /**
   * Bytes main may have waiting to be sent to all pages together; past it, the page with the largest
   * backlog is closed as a slow consumer. Default: four times `maxPayload`, at least 256 MiB.
   */
  maxTotalBufferedBytes?: number;
  /** Ping interval (ms); a page that misses a pong is dropped. `0` turns it off. Default 30 000. */
  heartbeatInterval?: number;
  /** Longest a `sendSync` may block, whatever the page asks for (ms). Default 120 000. */
  maxSyncTimeout?: number;
  /** Serve this file at `/ipc-anywhere/renderer.js` instead of the packaged bundle. */
  clientScript?: string;
  /**
   * Electron's `webPreferences.preload`: a script file (or several, run in order) that runs in every
   * HTML page of `static`, after the classic script and before any script of the page, with
   * `require('electron')` and a sandboxed preload's `require`, `process`, `exports` and `module`. The
   * files are CommonJS-style classic scripts: bundle ESM or TypeScript preloads first (docs/preload.md).
   */
  preload?: string | readonly string[];
}

/**
 * A used-up `<webview>` guest token, as main hands it out: opaque to the server, which only checks that
 * it still holds and gives it back with the guest's connection.
 */
export interface GuestTicket {
  /** False when the host or its frame went away since the claim (then refuse the guest). */
  readonly live: boolean;
}

/** What main answers to a guest token: the ticket, or why the guest is refused. */
export type GuestTicketResult<G extends GuestTicket> =
  | { readonly ok: true; readonly claim: G }
  | { readonly ok: false; readonly reason: string };

/** What the server knows of a page it connected. */
export interface PageInfo<G extends GuestTicket> {
  /** `'remote'` for a client that sent no `Origin` (a Node process). */
  readonly type: 'window' | 'remote';
  readonly url: string;
  readonly origin: string;
  /** The ticket of a `<webview>` guest that presented its host's token. */
  readonly guest?: G;
}

/** What the server needs from main, supplied by the API layer. */
export interface ServerHost<G extends GuestTicket = GuestTicket> {
  readonly logger: Logger;
  /** The largest message main accepts: the server's `maxPayload` unless its options say otherwise. */
  readonly maxPayload: number;
  /** Connects a renderer; listeners for its creation run before any of its messages is dispatched. */
  addRenderer(transport: MainTransport, info: PageInfo<G>): void;
  /** Uses up a `<webview>` guest token: a ticket naming the guest's host, or why it is refused. */
  claimGuest(token: string, successor: string | undefined): GuestTicketResult<G>;
  /** Serves more paths before the server's own (the inspector): `true` when it answered. */
  route?(path: string, req: IncomingMessage, res: ServerResponse): boolean;
}

/** How long a sync request sent before its socket opened waits for that socket. */
const JOIN_TIMEOUT = 10_000;
const MAX_HREF_LENGTH = 8192;
/** Default bound on one page's send backlog: a few large messages, or a long burst of small ones. */
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Default server-wide bound: at least this, or four messages of the largest size. */
const MIN_DEFAULT_TOTAL_BUFFERED_BYTES = 256 * 1024 * 1024;
/** Frame lengths in a sync body are 4-byte integers; a larger maxPayload could not be framed. */
const MAX_PAYLOAD_LIMIT = 2 ** 32 - 1 - 64;

/** The option names {@link WebSocketTransportServer} reads (the API layer refuses any other). */
export const TRANSPORT_OPTION_NAMES = [
  'static',
  'allowedOrigins',
  'allowedHosts',
  'allowMissingOrigin',
  'maxPayload',
  'maxBufferedBytes',
  'maxTotalBufferedBytes',
  'heartbeatInterval',
  'maxSyncTimeout',
  'clientScript',
  'preload',
] as const;

/**
 * The server side of the WebSocket transport on one Node http server: the upgrade endpoint (Origin
 * allow-list, connection key), the sync endpoint, the classic script and optional static files. It
 * routes only its own paths; everything else goes to `fallback` (the existing server's handlers).
 */
export class WebSocketTransportServer<G extends GuestTicket = GuestTicket> {
  readonly origins: OriginPolicy;
  private readonly wss: WebSocketServer;
  private readonly connections = new Map<string, SocketMainTransport>();
  private readonly sync: SyncEndpoint;
  private readonly address: BoundAddress;
  private readonly script: ClientScript;
  private readonly preloads: PreloadScripts | undefined;
  private readonly files: StaticFiles | undefined;
  /** @internal The `Host` check of static files, for other pages served beside them (the inspector). */
  readonly hosts: HostCheck;
  private readonly maxPayload: number;
  private readonly sendPolicy: SendPolicy;
  private readonly heartbeat: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  private conflictReported = false;
  private missingReported = false;
  /** One callback for every connection (not a closure each): drops a connection that is gone. */
  private readonly forget = (transport: SocketMainTransport): void => {
    if (this.connections.get(transport.key) === transport) this.connections.delete(transport.key);
  };

  /**
   * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` naming the option, for any option out of range or of
   * the wrong type, a `static` directory or `clientScript` file that does not exist.
   */
  constructor(
    httpServer: HttpServer,
    private readonly host: ServerHost<G>,
    options: WebSocketTransportOptions = {},
    secure = false,
    /** The name the server listens on (`createServer({ host })`), accepted in `Host` headers. */
    listenHost?: string,
  ) {
    checkByteCount('maxPayload', options.maxPayload, { min: PROTOCOL_MIN_PAYLOAD, max: MAX_PAYLOAD_LIMIT });
    checkByteCount('maxBufferedBytes', options.maxBufferedBytes, { allowInfinity: true });
    checkByteCount('maxTotalBufferedBytes', options.maxTotalBufferedBytes, { allowInfinity: true });
    checkInterval('heartbeatInterval', options.heartbeatInterval, 'no heartbeat');
    checkTimeout('maxSyncTimeout', options.maxSyncTimeout);
    checkBoolean('allowMissingOrigin', options.allowMissingOrigin);
    this.maxPayload = options.maxPayload ?? host.maxPayload;
    const maxTotal =
      options.maxTotalBufferedBytes ??
      Math.max(4 * frameLimitFor(this.maxPayload), MIN_DEFAULT_TOTAL_BUFFERED_BYTES);
    if (maxTotal < frameLimitFor(this.maxPayload)) {
      throw new IpcError(
        IpcErrorCode.InvalidArgument,
        `maxTotalBufferedBytes (${maxTotal}) must be at least maxPayload (${this.maxPayload}) and a little: one message of the largest size must fit.`,
      );
    }
    this.sendPolicy = {
      maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
      budget: new BacklogBudget(maxTotal, () => this.connections.values()),
    };
    this.address = followAddress(httpServer);
    const address = this.address.current;
    this.origins = new OriginPolicy(
      options.allowedOrigins,
      address,
      secure,
      options.allowMissingOrigin ?? true,
    );
    this.hosts = new HostCheck(options.allowedHosts, address, host.logger, listenHost);
    const clientScript = options.clientScript;
    if (clientScript !== undefined) checkPath('clientScript', clientScript, 'file');
    const root = options.static;
    if (root !== undefined) checkPath('static', root, 'directory');
    const preloadFiles = checkPreload(options.preload);
    this.wss = new WebSocketServer({
      noServer: true,
      // `connections` tracks every accepted socket; ws's own set would cost a Set entry and a 'close'
      // listener per connection.
      clientTracking: false,
      maxPayload: frameLimitFor(this.maxPayload),
      perMessageDeflate: false,
      handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
      WebSocket: MainSideWebSocket,
    });
    this.sync = new SyncEndpoint(
      {
        maxPayload: this.maxPayload,
        maxSyncTimeout: Math.min(options.maxSyncTimeout ?? 120_000, MAX_TIMER_MS),
        joinTimeout: JOIN_TIMEOUT,
      },
      this.origins,
      (key) => this.connections.get(key),
      host.logger,
    );
    this.script = new ClientScript(host.logger, clientScript);
    const preloads = preloadFiles.length > 0 ? new PreloadScripts(preloadFiles, host.logger) : undefined;
    this.preloads = preloads;
    this.files =
      root !== undefined
        ? new StaticFiles(root, preloads && ((nonce) => preloads.tags(nonce)), (text) =>
            host.logger.warn({ code: IpcErrorCode.LimitExceeded }, text),
          )
        : undefined;
    const interval = options.heartbeatInterval ?? 30_000;
    if (interval > 0) {
      this.heartbeat = setInterval(() => this.beat(), interval);
      this.heartbeat.unref();
    }
  }

  /**
   * The `<script>` tags that run the preloads (the classic script first), for pages the server does not
   * serve itself; `''` without the `preload` option.
   */
  get preloadTags(): string {
    return this.preloads?.tags() ?? '';
  }

  /** Bytes counted against `maxTotalBufferedBytes` right now (an upper bound; for tests and diagnostics). */
  get bufferedBytes(): number {
    return this.sendPolicy.budget.counted;
  }

  /** Serves our paths; calls `fallback` for everything else (404 when there is none). */
  handleRequest(req: IncomingMessage, res: ServerResponse, fallback?: () => void): void {
    const path = pathOf(req.url);
    if (this.host.route?.(path, req, res)) return;
    if (path === WS_PATH) {
      this.upgradeMissing(res);
      return;
    }
    if (path === SYNC_PATH) {
      this.sync.handle(req, res).catch((error) => fail(res, error, this.host.logger));
      return;
    }
    if (path === SCRIPT_PATH) {
      if (!this.hosts.allows(req.headers.host)) {
        this.hosts.refuse(req, res);
        return;
      }
      this.script.serve(req.method, res).catch((error) => fail(res, error, this.host.logger));
      return;
    }
    if (this.preloads?.handles(path)) {
      if (!this.hosts.allows(req.headers.host)) {
        this.hosts.refuse(req, res);
        return;
      }
      this.preloads.serve(path, req.method, res).catch((error) => fail(res, error, this.host.logger));
      return;
    }
    const notFound =
      fallback ??
      (() => res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found'));
    if (!this.files) {
      notFound();
      return;
    }
    if (!this.hosts.allows(req.headers.host)) {
      // Under attach() the app's own routes are its business: only our files are withheld.
      if (fallback) fallback();
      else this.hosts.refuse(req, res);
      return;
    }
    this.files.serve(req, res).then(
      (served) => {
        if (!served) notFound();
      },
      (error) => fail(res, error, this.host.logger),
    );
  }

  /** Takes the upgrade when it is for our path; returns `false` (socket untouched) otherwise. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (pathOf(req.url) !== WS_PATH) return false;
    // Node gives an upgrade socket no 'error' listener: a client that resets while we refuse it would
    // otherwise crash main with an unhandled ECONNRESET. ws adds its own once it takes the socket over,
    // and then this one goes (a listener kept per connection is memory every idle page costs).
    socket.on('error', destroyOnError);
    if (alreadyAnswered(socket)) {
      this.upgradeConflict();
      return true;
    }
    const origin = req.headers.origin;
    if (this.closed) {
      refuseUpgrade(socket, 503, 'Server closing');
      return true;
    }
    if (!this.origins.allows(origin)) {
      this.host.logger.warn(
        { code: IpcErrorCode.Refused, origin: origin ?? null, url: req.url },
        `ipc-anywhere: refused a WebSocket from origin ${origin ?? '(none)'}: not in allowedOrigins.`,
      );
      refuseUpgrade(socket, 403, 'Origin not allowed');
      return true;
    }
    const offer = offerOf(req.headers['sec-websocket-protocol']);
    if (typeof offer === 'string') {
      refuseUpgrade(socket, 400, offer);
      return true;
    }
    const { key, guest, maxPayload, resumable, resume } = offer;
    const existing = this.connections.get(key);
    if (existing) {
      // Only the page that has the key (a secret) may come back on it, and only from its origin: with
      // its session's resume token to take the session over, or, once its socket is gone, without one
      // to give the session up and start a new one (it could not keep all it had to send again).
      if (existing.origin !== origin || (resume === undefined && !(resumable && existing.isSuspended))) {
        refuseUpgrade(socket, 400, 'Connection key in use');
        return true;
      }
      if (resume === undefined) {
        existing.terminate(
          new IpcError(IpcErrorCode.Closed, 'The renderer gave its session up and started a new one.'),
        );
      } else {
        this.wss.handleUpgrade(req, socket, head, (ws) => {
          socket.off('error', destroyOnError);
          this.resume(existing, ws, socket, resume);
        });
        return true;
      }
    }
    let claim: G | undefined;
    if (guest) {
      // The token is used up here, whatever happens next: a guest token works once.
      const result = this.host.claimGuest(guest.token, guest.successor);
      if (!result.ok) {
        this.host.logger.warn(
          { code: IpcErrorCode.Refused, origin: origin ?? null },
          `ipc-anywhere: refused a <webview> guest from origin ${origin ?? '(none)'}: ${result.reason}.`,
        );
        refuseUpgrade(socket, 403, 'Guest token refused');
        return true;
      }
      claim = result.claim;
    }
    const href = hrefOf(req.url, origin);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      socket.off('error', destroyOnError);
      this.accept(ws, socket, key, origin, href, claim, maxPayload, resumable);
      // A listener after this one may still answer the same request and end the socket just taken.
      process.nextTick(() => {
        if (socket.writableEnded && !this.closed) this.upgradeConflict();
      });
    });
    return true;
  }

  /**
   * Our WebSocket path as a plain request: with our `'upgrade'` listener in place, Node emits every real
   * upgrade as one, so the `Upgrade` header was lost on the way (a proxy that does not forward
   * WebSocket upgrades). Pages then never connect: said once per server.
   */
  private upgradeMissing(res: ServerResponse): void {
    if (!this.missingReported) {
      this.missingReported = true;
      this.host.logger.warn(
        { code: IpcErrorCode.UpgradeMissing },
        `ipc-anywhere: [${IpcErrorCode.UpgradeMissing}] a request for ${WS_PATH} arrived as plain HTTP, without its WebSocket upgrade, so that page cannot connect. If a proxy stands in front of this server (nginx, a load balancer, a dev server's proxy), make it forward WebSocket upgrades for ${WS_PATH} (the Upgrade and Connection headers).`,
      );
    }
    res
      .writeHead(426, {
        connection: 'close',
        upgrade: 'websocket',
        'content-type': 'text/plain; charset=utf-8',
      })
      .end('This path takes WebSocket upgrades only.');
  }

  /**
   * Another `'upgrade'` listener answered our path (only possible when {@link claimUpgrades} was
   * bypassed: something replaced the server's `emit`). Said once per server: every page fails alike.
   */
  private upgradeConflict(): void {
    if (this.conflictReported) return;
    this.conflictReported = true;
    this.host.logger.warn(
      { code: IpcErrorCode.UpgradeConflict },
      `ipc-anywhere: [${IpcErrorCode.UpgradeConflict}] another 'upgrade' listener on this http server answered a WebSocket upgrade for ${WS_PATH}, so a page could not connect (its socket closes with code 1006). A ws WebSocketServer made with { server } or { server, path } does that to upgrades it does not serve: make it with { noServer: true } and call its handleUpgrade for its own path (docs/websocket.md, "Sharing the http server").`,
    );
  }

  /** The server's own origins, the default allow-list. */
  get ownOrigins(): string[] {
    return [...this.origins.ownOrigins()];
  }

  /** Closes every page's connection (they see code 1001) and stops accepting new ones. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.sync.close();
    this.address.stop();
    const transports = [...this.connections.values()];
    const reason = new IpcError(IpcErrorCode.Closed, 'The server closed.');
    for (const transport of transports) transport.shutdown(reason);
    // Pages answer the close frame at once; one that does not is cut off after a short grace period.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(transports.map((transport) => transport.socketClosed)),
      new Promise((resolve) => (timer = setTimeout(resolve, 500))),
    ]);
    clearTimeout(timer);
    for (const transport of transports) transport.socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(
    ws: import('ws').WebSocket,
    stream: Duplex,
    key: string,
    origin: string | undefined,
    href: string,
    guest: G | undefined,
    peerMaxPayload: number | undefined,
    resumable: boolean,
  ): void {
    if (this.closed || this.connections.has(key)) {
      ws.terminate();
      return;
    }
    if (guest && !guest.live) {
      this.host.logger.warn(
        { code: IpcErrorCode.Closed, origin: origin ?? null },
        `ipc-anywhere: refused a <webview> guest from origin ${origin ?? '(none)'}: its host or frame went away.`,
      );
      ws.close(CloseCode.policy, 'The <webview> host is gone');
      return;
    }
    // The key was cut out of the handshake header: a copy of its own lets that header go (memory).
    key = Buffer.from(key, 'latin1').toString('latin1');
    const transport = new SocketMainTransport(
      ws,
      stream,
      key,
      origin,
      this.maxPayload,
      this.sendPolicy,
      this.forget,
    );
    if (peerMaxPayload !== undefined) transport.peerMaxPayload = peerMaxPayload;
    transport.resumable = resumable;
    this.connections.set(key, transport);
    this.host.addRenderer(transport, {
      type: origin === undefined ? 'remote' : 'window',
      url: href,
      origin: origin ?? 'null',
      ...(guest && { guest }),
    });
    this.sync.joined(key, transport);
  }

  /** A page reconnects to its session (see {@link SocketMainTransport.tryResume}). */
  private resume(
    transport: SocketMainTransport,
    ws: import('ws').WebSocket,
    stream: Duplex,
    offer: { readonly token: string; readonly received: number },
  ): void {
    if (this.closed || transport.isClosed || !transport.tryResume(ws, stream, offer.token, offer.received)) {
      this.host.logger.warn(
        { code: IpcErrorCode.SessionLost, origin: transport.origin ?? null },
        `ipc-anywhere: refused to resume a session from origin ${transport.origin ?? '(none)'}: wrong token, or the session is over.`,
      );
      ws.close(CloseCode.policy, 'Resume refused');
    }
  }

  private beat(): void {
    for (const transport of this.connections.values()) {
      if (transport.isSuspended) continue;
      if (!transport.alive) {
        transport.lost(new IpcError(IpcErrorCode.Closed, 'The page stopped answering pings.'));
        continue;
      }
      transport.alive = false;
      transport.socket.ping();
    }
  }
}

function pathOf(url: string | undefined): string {
  const end = url?.search(/[?#]/) ?? -1;
  return url === undefined ? '/' : end === -1 ? url : url.slice(0, end);
}

/** The page URL the client reported (untrusted: informational), or the origin when it is unusable. */
function hrefOf(url: string | undefined, origin: string | undefined): string {
  const fallback = origin && origin !== 'null' ? `${origin}/` : 'about:blank';
  try {
    const href = new URL(url ?? '/', 'http://x').searchParams.get('href');
    if (!href || href.length > MAX_HREF_LENGTH) return fallback;
    return new URL(href).href;
  } catch {
    return fallback;
  }
}

interface Offer {
  readonly key: string;
  /** The renderer reconnects after a drop (see {@link RESUMABLE_PROTOCOL}). */
  readonly resumable: boolean;
  /** A reconnecting renderer's claim to its session. */
  readonly resume?: { readonly token: string; readonly received: number };
  /** What the renderer accepts, when it is not the default. */
  readonly maxPayload?: number;
  readonly guest?: { readonly token: string; readonly successor: string | undefined };
}

/** The connection key (and guest tokens) a client offered as subprotocols, or why they are unusable. */
function offerOf(header: string | undefined): Offer | string {
  const missing = 'Missing ipc-anywhere subprotocol or key';
  if (!header) return missing;
  const offered = header.split(',').map((protocol) => protocol.trim());
  if (!offered.includes(SUBPROTOCOL)) return missing;
  const key = single(offered, KEY_PROTOCOL_PREFIX);
  if (!isConnectionKey(key)) return missing;
  const limit = single(offered, LIMIT_PROTOCOL_PREFIX);
  if (limit === null || (limit !== undefined && !/^[1-9][0-9]{0,14}$/.test(limit))) return 'Malformed limit';
  const maxPayload = limit === undefined ? undefined : Number(limit);
  // Not even main's hello would fit: refused before a WebContents exists.
  if (maxPayload !== undefined && maxPayload < PROTOCOL_MIN_PAYLOAD)
    return 'Limit below the protocol minimum';
  const resumeToken = single(offered, RESUME_PROTOCOL_PREFIX);
  const receivedText = single(offered, RECEIVED_PROTOCOL_PREFIX);
  let resume: Offer['resume'];
  if (resumeToken !== undefined || receivedText !== undefined) {
    if (
      !isSecretToken(resumeToken) ||
      typeof receivedText !== 'string' ||
      !/^(0|[1-9][0-9]{0,14})$/.test(receivedText)
    )
      return 'Malformed resume offer';
    resume = { token: resumeToken, received: Number(receivedText) };
  }
  const resumable = offered.includes(RESUMABLE_PROTOCOL);
  const token = single(offered, GUEST_PROTOCOL_PREFIX);
  const successor = single(offered, NEXT_GUEST_PROTOCOL_PREFIX);
  if (token === null || successor === null) return 'Malformed guest token';
  if (token === undefined)
    return successor === undefined ? { key, maxPayload, resumable, resume } : 'Malformed guest token';
  if (!isSecretToken(token) || (successor !== undefined && !isSecretToken(successor))) {
    return 'Malformed guest token';
  }
  return { key, maxPayload, resumable, resume, guest: { token, successor } };
}

/** The value of the one entry starting with `prefix`: `undefined` when there is none, `null` for several. */
function single(offered: readonly string[], prefix: string): string | undefined | null {
  const found = offered.filter((protocol) => protocol.startsWith(prefix));
  if (found.length > 1) return null;
  return found[0]?.slice(prefix.length);
}

/** A `static` directory or `clientScript` file must exist when the server starts, not at the first request. */
function checkPath(name: string, path: unknown, kind: 'file' | 'directory'): void {
  checkNonEmptyString(name, path, `the path of a ${kind}`);
  let found: string;
  try {
    const info = statSync(path);
    found = info.isDirectory() ? 'directory' : info.isFile() ? 'file' : 'special file';
  } catch (error) {
    throw new IpcError(
      IpcErrorCode.InvalidArgument,
      `${name}: ${JSON.stringify(path)} does not exist or cannot be read (${(error as { code?: string }).code ?? String(error)}); expected a ${kind}.`,
    );
  }
  if (found !== kind) {
    throw new IpcError(
      IpcErrorCode.InvalidArgument,
      `${name}: ${JSON.stringify(path)} is a ${found}; expected a ${kind}.`,
    );
  }
}

/** The `preload` option as a list of files that exist (the server refuses to start otherwise). */
function checkPreload(preload: unknown): readonly string[] {
  if (preload === undefined) return [];
  if (typeof preload === 'string') {
    checkPath('preload', preload, 'file');
    return [preload];
  }
  if (!Array.isArray(preload)) {
    throw new IpcError(
      IpcErrorCode.InvalidArgument,
      `preload: expected the path of a file or a list of them (got ${describeValue(preload)}).`,
    );
  }
  for (const [index, file] of preload.entries()) checkPath(`preload[${index}]`, file, 'file');
  return [...preload];
}

function destroyOnError(this: Duplex): void {
  this.destroy();
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}

function fail(res: ServerResponse, error: unknown, logger: Logger): void {
  logger.error({ err: error }, 'ipc-anywhere: request failed');
  if (!res.headersSent) res.writeHead(500).end();
  else res.destroy();
}
