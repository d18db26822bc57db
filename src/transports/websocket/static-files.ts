import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
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

/** HTML pages larger than this are served as they are, without the preload tags (and a warning). */
const MAX_INJECTED_PAGE_BYTES = 32 * 1024 * 1024;

/** The tags to put at the start of every HTML page, given the nonce the page's own scripts carry. */
export type HtmlPrelude = (nonce: string | undefined) => string;

/**
 * Serves files under one directory (`static` option) for GET and HEAD. The URL path is decoded once,
 * resolved against the root, and refused unless it stays inside it, also after following symlinks; a
 * directory serves its `index.html`. Dot-files are not served. With a `prelude`, HTML pages get it
 * before their first script (see {@link insertPrelude}).
 */
export class StaticFiles {
  private readonly root: string;
  private realRoot: Promise<string> | undefined;

  constructor(
    root: string,
    private readonly prelude?: HtmlPrelude,
    private readonly warn: (message: string) => void = () => {},
  ) {
    this.root = resolve(root);
  }

  /** Resolves `false` when there is no such file (the caller answers 404 or passes the request on). */
  async serve(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const file = await this.resolveFile(req.url ?? '/');
    if (!file) return false;
    if (this.prelude && /\.html?$/i.test(file.path)) {
      if (file.size <= MAX_INJECTED_PAGE_BYTES) {
        const page = insertPrelude(await readFile(file.path), this.prelude);
        res.writeHead(200, { ...headersFor(file.path, page.byteLength) });
        res.end(req.method === 'HEAD' ? undefined : page);
        return true;
      }
      this.warn(
        `ipc-anywhere: ${file.path} is over ${MAX_INJECTED_PAGE_BYTES} bytes: served without its preloads.`,
      );
    }
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

function headersFor(path: string, length: number): Record<string, string | number> {
  return {
    'content-type': contentTypeOf(path),
    'content-length': length,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  };
}

/**
 * `page` with `prelude` inserted where it runs before any script of the page: right after `<head>`
 * (else after `<html>`, else after the doctype, else at the start), or before the first `<script>` when
 * one comes earlier. Tags inside comments do not count. Works on bytes (any ASCII-compatible encoding);
 * the nonce of the page's first script with one goes to the prelude, so a nonce-based CSP admits it.
 */
export function insertPrelude(page: Buffer, prelude: HtmlPrelude): Buffer {
  const text = page.toString('latin1');
  const bom = text.startsWith('\xEF\xBB\xBF') ? 3 : 0;
  const after =
    endOfTag(text, /<head(?:\s[^>]*)?>/gi) ??
    endOfTag(text, /<html(?:\s[^>]*)?>/gi) ??
    endOfTag(text, /<!doctype[^>]*>/gi) ??
    bom;
  const script = firstOutsideComments(text, /<script\b/gi);
  const at = script !== undefined && script.index < after ? script.index : after;
  const nonce = /<script\b[^>]*?\snonce\s*=\s*["']?([^"'\s>]+)/i.exec(text)?.[1];
  return Buffer.concat([page.subarray(0, at), Buffer.from(prelude(nonce), 'utf8'), page.subarray(at)]);
}

function endOfTag(text: string, tag: RegExp): number | undefined {
  const found = firstOutsideComments(text, tag);
  return found && found.index + found[0].length;
}

function firstOutsideComments(text: string, pattern: RegExp): RegExpExecArray | undefined {
  for (let found = pattern.exec(text); found; found = pattern.exec(text)) {
    const open = text.lastIndexOf('<!--', found.index);
    const close = open === -1 ? -1 : text.indexOf('-->', open + 4);
    if (open === -1 || (close !== -1 && close < found.index)) return found;
  }
  return undefined;
}
