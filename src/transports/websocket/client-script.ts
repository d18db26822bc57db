import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../transport.js';
import { SCRIPT_PATH } from './wire.js';

/** Where the build puts the classic script, seen from dist/ (published) and from src/ (this repo). */
const CANDIDATES = [
  new URL('../../browser/renderer.js', import.meta.url),
  new URL('../../../dist/browser/renderer.js', import.meta.url),
];

/**
 * Serves the browser classic script (`dist/browser/renderer.js`, built by `npm run build`) at
 * `/ipc-anywhere/renderer.js`. Read once, on the first request.
 */
export class ClientScript {
  private source: Promise<Buffer | undefined> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly path?: string,
  ) {}

  async serve(method: string | undefined, res: ServerResponse): Promise<void> {
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    this.source ??= this.load();
    const source = await this.source;
    if (!source) {
      res
        .writeHead(500, { 'content-type': 'text/javascript; charset=utf-8' })
        .end('console.error("ipc-anywhere: the browser bundle is missing; run `npm run build`.");');
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/javascript; charset=utf-8',
      'content-length': source.byteLength,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    res.end(method === 'HEAD' ? undefined : source);
  }

  private async load(): Promise<Buffer | undefined> {
    const paths = this.path ? [this.path] : CANDIDATES.map((url) => fileURLToPath(url));
    for (const path of paths) {
      try {
        return await readFile(path);
      } catch {
        // try the next location
      }
    }
    this.logger.error({ paths }, `ipc-anywhere: browser bundle not found (looked in ${paths.join(', ')}).`);
    return undefined;
  }
}

/** Each preload is served at `/ipc-anywhere/preload/<index>/<file name>` (the name is for DevTools). */
export const PRELOAD_PATH_PREFIX = '/ipc-anywhere/preload/';

/**
 * How a served preload finds the classic script's runner (`PAGE_RUNTIME_KEY` in
 * src/api/page-runtime.ts), and what it says when that script did not run first.
 */
const RUNNER =
  '(globalThis[Symbol.for("ipc-anywhere.page")]||{runPreload:function(n){' +
  'console.error("Unable to load preload script: "+n);' +
  'console.error(new Error("ipc-anywhere\'s renderer.js did not run before it."))}}).runPreload';

/**
 * A preload's source as a script that hands it to the page's runner as a function of Electron's
 * sandboxed-preload parameters. The wrapper opens on the source's first line, so line numbers in stack
 * traces stay the file's own.
 */
export function wrapPreload(name: string, source: string): string {
  const body = source.startsWith('#!') ? `//${source}` : source;
  return `${RUNNER}(${JSON.stringify(name)},function(require,process,exports,module,global,setImmediate,clearImmediate){${body}\n});\n`;
}

/**
 * The `preload` option: files run in every HTML page the server serves, in order, after the classic
 * script and before any script of the page. Each file is read again for every request (edit, reload).
 */
export class PreloadScripts {
  private readonly names: readonly string[];

  constructor(
    private readonly files: readonly string[],
    private readonly logger: Logger,
  ) {
    this.names = files.map((file) => basename(file));
  }

  /** The script tags that load the classic script and the preloads, with the page's nonce if it uses one. */
  tags(nonce?: string): string {
    const attribute = nonce !== undefined && /^[A-Za-z0-9+/=_-]+$/.test(nonce) ? ` nonce="${nonce}"` : '';
    return [SCRIPT_PATH, ...this.names.map((name, index) => this.urlOf(index, name))]
      .map((src) => `<script src="${src}"${attribute}></script>`)
      .join('');
  }

  /** `true` for a path under {@link PRELOAD_PATH_PREFIX}. */
  handles(path: string): boolean {
    return path.startsWith(PRELOAD_PATH_PREFIX);
  }

  async serve(path: string, method: string | undefined, res: ServerResponse): Promise<void> {
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const match = /^([0-9]{1,4})(?:\/|$)/.exec(path.slice(PRELOAD_PATH_PREFIX.length));
    const index = match ? Number(match[1]) : -1;
    const file = this.files[index];
    if (file === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    const name = this.names[index]!;
    let script: string;
    try {
      script = wrapPreload(name, await readFile(file, 'utf8'));
    } catch (error) {
      this.logger.error({ err: error, file }, `ipc-anywhere: cannot read the preload ${file}`);
      script = `console.error(${JSON.stringify(`Unable to load preload script: ${name}`)});`;
    }
    const body = Buffer.from(script, 'utf8');
    res.writeHead(200, {
      'content-type': 'text/javascript; charset=utf-8',
      'content-length': body.byteLength,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    res.end(method === 'HEAD' ? undefined : body);
  }

  private urlOf(index: number, name: string): string {
    return `${PRELOAD_PATH_PREFIX}${index}/${encodeURIComponent(name)}`;
  }
}
