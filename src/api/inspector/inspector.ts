import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../core/main/logger.js';
import type { WebContents } from '../../core/main/web-contents-impl.js';
import { IpcErrorCode } from '../../protocol/errors.js';
import type { HostCheck } from '../../transports/websocket/host-check.js';
import type { OriginPolicy } from '../../transports/websocket/origin-policy.js';
import type { Main } from '../main-context.js';
import { InspectorModel } from './inspector-model.js';
import {
  INSPECTOR_CSP,
  INSPECTOR_CSS,
  INSPECTOR_HTML,
  INSPECTOR_ICON,
  INSPECTOR_JS,
} from './inspector-page.js';
import { InspectorStream } from './inspector-stream.js';

/** Where the inspector page is served (`createServer({ inspector: true })`). */
export const INSPECT_PATH = '/ipc-anywhere/inspect';
const EVENTS_PATH = `${INSPECT_PATH}/events`;

/** Distinct refused origins logged (a flood of requests must not flood the log). */
const MAX_LOGGED_ORIGINS = 16;

const ASSETS: Readonly<Record<string, { readonly type: string; readonly body: Buffer }>> = {
  [INSPECT_PATH]: { type: 'text/html; charset=utf-8', body: Buffer.from(INSPECTOR_HTML) },
  [`${INSPECT_PATH}/`]: { type: 'text/html; charset=utf-8', body: Buffer.from(INSPECTOR_HTML) },
  [`${INSPECT_PATH}/inspector.js`]: {
    type: 'text/javascript; charset=utf-8',
    body: Buffer.from(INSPECTOR_JS),
  },
  [`${INSPECT_PATH}/inspector.css`]: { type: 'text/css; charset=utf-8', body: Buffer.from(INSPECTOR_CSS) },
  [`${INSPECT_PATH}/icon.svg`]: { type: 'image/svg+xml', body: Buffer.from(INSPECTOR_ICON) },
};

/** Headers of every inspector response: never cached, framed, sniffed or embedded by another site. */
const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
};

/** What the inspector uses of the server it is served by: the same checks as the IPC endpoint. */
export interface InspectorHost {
  readonly main: Main;
  readonly origins: OriginPolicy;
  readonly hosts: HostCheck;
  readonly logger: Logger;
}

/**
 * The live IPC inspector of one server's main (opt-in: docs/inspector.md): a page at
 * {@link INSPECT_PATH} fed by a Server-Sent Events stream. It answers only requests whose `Host` the
 * server serves (the DNS-rebinding guard of the static files) and whose `Origin`, when there is one,
 * may connect to the IPC endpoint (`allowedOrigins`).
 */
export class Inspector {
  readonly #model: InspectorModel;
  readonly #stream: InspectorStream;
  readonly #loggedOrigins = new Set<string>();

  constructor(private readonly host: InspectorHost) {
    this.#model = new InspectorModel(host.main);
    this.#stream = new InspectorStream(this.#model, host.logger);
  }

  /** A renderer that just connected (its "connected since" is exact). */
  track(contents: WebContents): void {
    this.#model.track(contents);
  }

  /** Serves the inspector's paths; `false` (nothing answered) for any other path. */
  handle(path: string, req: IncomingMessage, res: ServerResponse): boolean {
    if (path !== INSPECT_PATH && !path.startsWith(`${INSPECT_PATH}/`)) return false;
    try {
      this.#serve(path, req, res);
    } catch (error) {
      // Thrown from a request listener, it would end the process.
      this.host.logger.error({ err: error, url: req.url }, 'ipc-anywhere: inspector request failed');
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    }
    return true;
  }

  #serve(path: string, req: IncomingMessage, res: ServerResponse): void {
    if (!this.host.hosts.allows(req.headers.host)) {
      this.host.hosts.refuse(req, res);
      return;
    }
    const origin = req.headers.origin;
    // Same-origin GETs (the page, its script, its EventSource) carry no Origin; any request that does
    // must come from an origin allowed to connect to the IPC endpoint.
    if (origin !== undefined && !this.host.origins.allows(origin)) {
      this.#refuseOrigin(origin, req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      req.resume();
      res.writeHead(405, { ...COMMON_HEADERS, allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === EVENTS_PATH && req.method === 'GET') {
      this.#stream.open(req, res);
      return;
    }
    const asset = ASSETS[path];
    if (!asset) {
      res.writeHead(404, { ...COMMON_HEADERS, 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    res.writeHead(200, {
      ...COMMON_HEADERS,
      'content-type': asset.type,
      'content-length': asset.body.byteLength,
      'content-security-policy': INSPECTOR_CSP,
    });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  }

  /** Ends the event streams and stops listening to main. */
  close(): void {
    this.#stream.close();
    this.#model.close();
  }

  #refuseOrigin(origin: string, req: IncomingMessage, res: ServerResponse): void {
    const shown = origin.slice(0, 100);
    if (this.#loggedOrigins.size < MAX_LOGGED_ORIGINS && !this.#loggedOrigins.has(shown)) {
      this.#loggedOrigins.add(shown);
      this.host.logger.warn(
        { code: IpcErrorCode.Refused, origin: shown, url: req.url },
        `ipc-anywhere: refused an inspector request from origin ${shown}: not in allowedOrigins.`,
      );
    }
    req.resume();
    res
      .writeHead(403, { ...COMMON_HEADERS, 'content-type': 'text/plain; charset=utf-8', connection: 'close' })
      .end('Origin not allowed');
  }
}
