import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.mp3': 'audio/mpeg',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.pdf': 'application/pdf',
};

/** The content type for a file name; unknown extensions are served as bytes. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Serves files under one directory (`static` option) for GET and HEAD. The URL path is decoded once,
 * resolved against the root, and refused unless it stays inside it, also after following symlinks; a
 * directory serves its `index.html`. Dot-files are not served.
 */
export class StaticFiles {
  private readonly root: string;
  private realRoot: Promise<string> | undefined;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Resolves `false` when there is no such file (the caller answers 404 or passes the request on). */
  async serve(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const file = await this.resolveFile(req.url ?? '/');
    if (!file) return false;
    res.writeHead(200, {
      'content-type': contentTypeOf(file.path),
      'content-length': file.size,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    const stream = createReadStream(file.path);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
    return true;
  }

  /** The file a URL path names, or `undefined` when it is missing or outside the root. */
  async resolveFile(url: string): Promise<{ path: string; size: number } | undefined> {
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(url, 'http://x').pathname);
    } catch {
      return undefined;
    }
    if (pathname.includes('\0') || pathname.includes('\\')) return undefined;
    const segments = pathname.split('/').filter((segment) => segment !== '');
    if (segments.some((segment) => segment.startsWith('.'))) return undefined;
    let path = join(this.root, ...segments);
    if (!this.inside(this.root, path)) return undefined;
    try {
      let info = await stat(path);
      if (info.isDirectory()) {
        path = join(path, 'index.html');
        info = await stat(path);
      }
      if (!info.isFile()) return undefined;
      this.realRoot ??= realpath(this.root);
      const [realRoot, realFile] = await Promise.all([this.realRoot, realpath(path)]);
      if (!this.inside(realRoot, realFile)) return undefined;
      return { path: realFile, size: info.size };
    } catch {
      return undefined;
    }
  }

  private inside(root: string, path: string): boolean {
    return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
  }
}
