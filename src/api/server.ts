import { EventEmitter } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { GuestClaim } from '../core/guest-registry.js';
import type { WebContents } from '../core/web-contents-impl.js';
import {
  type WebSocketTransportOptions,
  WebSocketTransportServer,
} from '../transports/websocket/ipc-server.js';
import { addRenderer, claimGuest, defaultMain, loggerOf, type Main } from './main-context.js';

export type { AllowedOrigins } from '../transports/websocket/origin-policy.js';

/** Options of {@link attach} (and {@link createServer}); docs/websocket.md explains each. */
export interface AttachOptions extends WebSocketTransportOptions {
  /** The main world pages connect to. Default: the one behind the `ipcMain` singleton. */
  main?: Main;
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

  /** @internal Created by {@link createServer} and {@link attach}. */
  constructor(
    readonly httpServer: HttpServer,
    readonly main: Main,
    options: AttachOptions,
    owned: boolean,
  ) {
    super();
    const secure = typeof (httpServer as { setSecureContext?: unknown }).setSecureContext === 'function';
    this.transport = new WebSocketTransportServer<GuestClaim>(
      httpServer,
      {
        logger: loggerOf(main),
        addRenderer: (transport, info) => {
          const contents = addRenderer(main, transport, info);
          this.emit('web-contents-created', contents);
          return contents;
        },
        claimGuest: (token, successor) => claimGuest(main, token, successor),
      },
      options,
      secure,
    );
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
   * Disconnects every page (their WebContents emit `'destroyed'`) and stops serving. A server from
   * {@link createServer} also stops listening; after {@link attach} the http server keeps running.
   */
  close(): Promise<void> {
    return this.#detach();
  }

  #own(): () => Promise<void> {
    const server = this.httpServer;
    const onRequest = (req: Parameters<WebSocketTransportServer['handleRequest']>[0], res: any) =>
      this.transport.handleRequest(req, res);
    const onUpgrade = (req: any, socket: Duplex, head: Buffer) => {
      if (!this.transport.handleUpgrade(req, socket, head)) socket.destroy();
    };
    server.on('request', onRequest);
    server.on('upgrade', onUpgrade);
    return async () => {
      await this.transport.close();
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
    const onUpgrade = (req: any, socket: Duplex, head: Buffer) => {
      // Other upgrade listeners (a dev server's HMR socket) keep theirs; with none, refuse.
      if (!this.transport.handleUpgrade(req, socket, head) && server.listenerCount('upgrade') === 1)
        socket.destroy();
    };
    server.on('request', onRequest);
    server.on('upgrade', onUpgrade);
    return async () => {
      server.off('request', onRequest);
      server.off('upgrade', onUpgrade);
      for (const listener of previous) server.on('request', listener);
      await this.transport.close();
    };
  }
}

/**
 * Starts an http server for pages: the WebSocket endpoint, the sync endpoint, the classic script at
 * `/ipc-anywhere/renderer.js`, and the `static` directory at `/`.
 * @example
 * const server = await createServer({ static: './public' });
 * console.log(`open ${server.url}`);
 * server.on('web-contents-created', (contents) => contents.send('welcome'));
 */
export async function createServer(options: ServerOptions = {}): Promise<IpcServer> {
  const httpServer = createHttpServer();
  const server = new IpcServer(httpServer, options.main ?? defaultMain, options, true);
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
 */
export function attach(httpServer: HttpServer, options: AttachOptions = {}): IpcServer {
  return new IpcServer(httpServer, options.main ?? defaultMain, options, false);
}
