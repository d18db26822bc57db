// Chromium, started directly (no Playwright, no DevTools connection): Debian's /usr/bin/chromium with a
// fresh profile in a temp dir, loading one bench page that reports its result by POSTing JSON to the
// loopback server that served it. The browser is its own process group and is killed when done.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnGroup } from './proc.mjs';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The bench directory: pages import ../../suite/*.mjs, so every bench server serves all of it. */
export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
export const RESULT_PATH = '/bench-result';

/**
 * Cross-origin isolation for every response of a bench server: it gives pages a 5 µs clock instead
 * of 100 µs (round trips are tens of µs), and changes nothing else they do.
 */
export function isolate(res) {
  res.setHeader('cross-origin-opener-policy', 'same-origin');
  res.setHeader('cross-origin-embedder-policy', 'require-corp');
}

/** Where the page's result arrives: `handle(req, res)` takes `POST /bench-result`. */
export function resultSink() {
  let settle;
  const result = new Promise((resolve, reject) => {
    settle = { resolve, reject };
  });
  return {
    result,
    handle(req, res) {
      if (req.url !== RESULT_PATH || req.method !== 'POST') return false;
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => {
        if (body.length < 1_000_000) body += chunk;
      });
      req.on('end', () => {
        res.writeHead(204).end();
        try {
          const json = JSON.parse(body);
          if (json.error) settle.reject(new Error(`the page failed: ${json.error}`));
          else settle.resolve(json);
        } catch (error) {
          settle.reject(error);
        }
      });
      return true;
    },
  };
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript', '.js': 'text/javascript' };

/** Serves GET requests for files under the bench directory (for the baseline servers). */
export function serveBenchFile(req, res) {
  if (req.method !== 'GET') return false;
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const file = resolve(BENCH_DIR, `.${path}`);
  if (!file.startsWith(BENCH_DIR.endsWith(sep) ? BENCH_DIR : BENCH_DIR + sep)) return false;
  try {
    if (!statSync(file).isFile()) return false;
  } catch {
    return false;
  }
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
  return true;
}

/** Opens `url` in a fresh headless Chromium and resolves with what the page POSTs to `sink`. */
export async function runPage(url, sink, timeoutMs) {
  const profile = mkdtempSync(join(tmpdir(), 'ipc-anywhere-bench-chromium-'));
  const browser = spawnGroup(CHROMIUM, [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, url], {
    stdio: 'ignore',
  });
  let timer;
  try {
    return await Promise.race([
      sink.result,
      browser.exited.then(({ code, signal }) => {
        throw new Error(`Chromium exited before the page reported (${signal ?? code})`);
      }),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the page did not report within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
    browser.kill();
    await Promise.race([browser.exited, new Promise((resolve) => setTimeout(resolve, 3_000))]);
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The page URL for `variant`'s page with the scenario in its query. */
export function pageUrl(origin, variant, scenario, quick) {
  return `${origin}/chromium/pages/${variant}.html?scenario=${scenario}${quick ? '&quick=1' : ''}`;
}
