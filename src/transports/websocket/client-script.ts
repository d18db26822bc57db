import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../transport.js';

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
    this.logger.error(`ipc-anywhere: browser bundle not found (looked in ${paths.join(', ')}).`);
    return undefined;
  }
}
