import { EventEmitter } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { GuestClaim } from '../core/main/guest-registry.js';
import type { WebContents } from '../core/main/web-contents-impl.js';
import { IpcError, IpcErrorCode } from '../protocol/errors.js';
import {
  checkBoolean,
  checkHostName,
  checkOptionNames,
  checkOptionsObject,
  checkPort,
  describeValue,
} from '../protocol/options.js';
import {
  TRANSPORT_OPTION_NAMES,
  type WebSocketTransportOptions,
  WebSocketTransportServer,
} from '../transports/websocket/ipc-server.js';
import { claimUpgrades } from '../transports/websocket/upgrade-claim.js';
import { Inspector } from './inspector/inspector.js';
import {
  addRenderer,
  checkMainOption,
  claimGuest,
  defaultMain,
  loggerOf,
  type Main,
  maxPayloadOf,
} from './main-context.js';

export type { AllowedHosts } from '../transports/websocket/host-check.js';
export type { AllowedOrigins } from '../transports/websocket/origin-policy.js';

const ATTACH_OPTION_NAMES: readonly string[] = [...TRANSPORT_OPTION_NAMES, 'main', 'inspector'];
const SERVER_OPTION_NAMES: readonly string[] = [...ATTACH_OPTION_NAMES, 'host', 'port'];
const ATTACH_HINTS = {
  host: 'attach() serves on the http server you give it, which listens where you told it',
  port: 'attach() serves on the http server you give it, which listens where you told it',
};

/** Options of {@link attach} (and {@link createServer}); docs/websocket.md explains each. */
export interface AttachOptions extends WebSocketTransportOptions {
  /** The main world pages connect to. Default: the one behind the `ipcMain` singleton. */
  main?: Main;
  /**
   * Serves the live IPC inspector of `main` at `/ipc-anywhere/inspect` (docs/inspector.md), with the
   * `Host` and `Origin` rules of the IPC endpoint. It shows payload previews: do not turn it on where
   * people who may not see your traffic can reach the server. Default `false`.
   */
  inspector?: boolean;
}

/** Options of {@link createServer}. */
export interface ServerOptions extends AttachOptions {
  /** Interface to listen on. Default `127.0.0.1` (loopback only). */
  host?: string;
  /** Port; `0` picks a free one (read it from `url`). Default `0`. */
  port?: number;
}

/**
 * Pages connected through one http server. Emits `'web-contents-created'` with each new page's
 * WebContents, before any message of that page is dispatched.
 */
export class IpcServer extends EventEmitter<{ 'web-contents-created': [contents: WebContents] }> {
  /** @internal */
  readonly transport: WebSocketTransportServer<GuestClaim>;
  readonly #detach: () => Promise<void>;
  readonly #inspector: Inspector | undefined;

  /** @internal Created by {@link createServer} and {@link attach}. */
  constructor(
    readonly httpServer: HttpServer,
    readonly main: Main,
    options: AttachOptions,
    owned: boolean,
    listenHost?: string,
  ) {
    super();
    checkBoolean('inspector', options.inspector);
    const secure = typeof (httpServer as { setSecureContext?: unknown }).setSecureContext === 'function';
    this.transport = new WebSocketTransportServer<GuestClaim>(
      httpServer,
      {
        logger: loggerOf(main),
        maxPayload: maxPayloadOf(main),
        addRenderer: (transport, info) => {
          const contents = addRenderer(main, transport, info);
          this.#inspector?.track(contents);
          this.emit('web-contents-created', contents);
          return contents;
        },
        claimGuest: (token, successor) => claimGuest(main, token, successor),
        route: (path, req, res) => this.#inspector?.handle(path, req, res) ?? false,
      },
      options,
      secure,
      listenHost,
    );
    this.#inspector = options.inspector
      ? new Inspector({
          main,
          origins: this.transport.origins,
          hosts: this.transport.hosts,
          logger: loggerOf(main),
        })
      : undefined;
    this.#detach = owned ? this.#own() : this.#share();
  }

  /** `http://host:port` of the server (pages load from here, and the allow-list defaults to it). */
  get url(): string {
    const address = this.httpServer.address() as AddressInfo | null;
    if (!address || typeof address === 'string') return '';
    const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
    const scheme = this.transport.origins.ownOrigins()[0]?.startsWith('https') ? 'https' : 'http';
    return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  /**
   * The `<script>` tags that run the `preload` files (the classic script first, then each preload), for
   * HTML the server does not serve itself (an app's own routes under {@link attach}, a dev server's
   * `transformIndexHtml`): put them before the page's first script. `''` without `preload`.
   */
  get preloadTags(): string {
    return this.transport.preloadTags;
  }

  /**
   * Disconnects every page (their WebContents emit `'destroyed'`) and stops serving. A server from
   * {@link createServer} also stops listening; after {@link attach} the http server keeps running.
   */
  close(): Promise<void> {
    this.#inspector?.close();
    return this.#detach();
  }

  /**
   * Upgrades for our path reach us alone (see {@link claimUpgrades}); our listener stays for the rest:
   * Node only treats a request as an upgrade when the server has a listener, and with no other
   * listener, an upgrade for another path is refused. Returns what undoes both.
   */
  #takeUpgrades(): () => void {
    const server = this.httpServer;
    const handle = (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.transport.handleUpgrade(req, socket, head);
    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!handle(req, socket, head) && server.listenerCount('upgrade') === 1) socket.destroy();
    };
    // First, so that if the claim is bypassed we still see our requests before anyone answers them.
    server.prependListener('upgrade', onUpgrade);
    const unclaim = claimUpgrades(server, handle);
    return () => {
      unclaim();
      server.off('upgrade', onUpgrade);
    };
  }

  #own(): () => Promise<void> {
    const server = this.httpServer;
    const onRequest = (req: Parameters<WebSocketTransportServer['handleRequest']>[0], res: any) =>
      this.transport.handleRequest(req, res);
    server.on('request', onRequest);
    const releaseUpgrades = this.#takeUpgrades();
    return async () => {
      await this.transport.close();
      releaseUpgrades();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    };
  }

  #share(): () => Promise<void> {
    const server = this.httpServer;
    const previous = server.listeners('request') as ((...args: unknown[]) => void)[];
    server.removeAllListeners('request');
    const onRequest = (req: any, res: any) =>
      this.transport.handleRequest(
        req,
        res,
        previous.length > 0
          ? () => {
              for (const listener of previous) listener.call(server, req, res);
            }
          : undefined,
      );
    server.on('request', onRequest);
    // Other upgrade listeners (a dev server's HMR socket) keep the upgrades for their paths.
    const releaseUpgrades = this.#takeUpgrades();
    return async () => {
      server.off('request', onRequest);
      releaseUpgrades();
      for (const listener of previous) server.on('request', listener);
      await this.transport.close();
    };
  }
}

/**
 * Starts an http server for pages: the WebSocket endpoint, the sync endpoint, the classic script at
 * `/ipc-anywhere/renderer.js`, and the `static` directory at `/`. With `preload`, every HTML page of
 * `static` runs those files first, as Electron runs `webPreferences.preload` (docs/preload.md).
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` (as a rejection) naming the option, for an unknown
 * option name, a value of the wrong type or out of range, or a `static` directory or `preload` file that does not exist.
 * @example
 * const server = await createServer({ static: './public', preload: './preload.js' });
 * console.log(`open ${server.url}`);
 * server.on('web-contents-created', (contents) => contents.send('welcome'));
 */
export async function createServer(options: ServerOptions = {}): Promise<IpcServer> {
  checkOptionsObject('createServer', options);
  checkOptionNames('createServer', options, SERVER_OPTION_NAMES);
  checkMainOption('main', options.main);
  checkHostName('host', options.host);
  checkPort('port', options.port);
  const httpServer = createHttpServer();
  const server = new IpcServer(httpServer, options.main ?? defaultMain, options, true, options.host);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  return server;
}

/**
 * Adds the same endpoints to an existing http(s) server (Express, Fastify, a Vite dev server) without
 * taking over its other routes or upgrades. `close()` detaches and disconnects the pages.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` when `httpServer` is not a Node http(s) server, or
 * naming the option, as {@link createServer} does.
 */
export function attach(httpServer: HttpServer, options: AttachOptions = {}): IpcServer {
  checkHttpServer(httpServer);
  checkOptionsObject('attach', options);
  checkOptionNames('attach', options, ATTACH_OPTION_NAMES, ATTACH_HINTS);
  checkMainOption('main', options.main);
  return new IpcServer(httpServer, options.main ?? defaultMain, options, false);
}

/** What attach() needs of the server: its events and its address (an Express `app` has neither). */
function checkHttpServer(value: unknown): void {
  const server = value as Partial<HttpServer> | null;
  if (
    typeof server === 'object' &&
    server !== null &&
    typeof server.on === 'function' &&
    typeof server.listeners === 'function' &&
    typeof server.removeAllListeners === 'function' &&
    typeof server.address === 'function'
  )
    return;
  throw new IpcError(
    IpcErrorCode.InvalidArgument,
    `attach(httpServer) needs a Node http or https server, such as the one app.listen() returns (got ${describeValue(value)}).`,
  );
}
