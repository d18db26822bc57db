import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildBrowserBundle } from '../../../scripts/browser-bundle.mjs';
import {
  createMain,
  createServer,
  type IpcServer,
  type Main,
  type ServerOptions,
  type WebContents,
} from '../../../src/main.js';
import { recordingLogger } from '../../conformance/harness.js';

/** Debian's Chromium; the tests never download a browser (scripts/ensure-chromium.mjs installs it). */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Static files for the test server (pages that load /ipc-anywhere/renderer.js). */
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Fails loudly (never skips) when Chromium is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Browser tests need ${CHROMIUM_PATH}: run \`apt-get install -y chromium\` (npm test does it when root).`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

let bundle: Promise<string> | undefined;
let bundleDir: string | undefined;

// Registered while the importing test file is collected: removes its bundle when the file is done
// (vitest ends worker processes without running their 'exit' handlers).
afterAll(() => {
  if (bundleDir !== undefined) rmSync(bundleDir, { recursive: true, force: true });
  bundleDir = undefined;
  bundle = undefined;
});

/**
 * The classic script built from the current sources (once per test file), for the `clientScript`
 * option, in a private temporary directory.
 */
export function testBundle(): Promise<string> {
  bundle ??= (async () => {
    bundleDir = mkdtempSync(join(tmpdir(), 'ipc-anywhere-test-'));
    const file = join(bundleDir, 'renderer.js');
    await buildBrowserBundle(file);
    return file;
  })();
  return bundle;
}

let pageCount = 0;

/**
 * Opens `path` on `server` in a fresh page and resolves once main has its WebContents (matched by a
 * unique query string in the page URL).
 */
export async function openPage(
  browser: Browser,
  server: IpcServer,
  path = '/page.html',
): Promise<{ page: Page; webContents: WebContents }> {
  pageCount += 1;
  const url = `${server.url}${path}?page=${process.pid}-${pageCount}`;
  const created = new Promise<WebContents>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${url} did not connect within 10 s`)), 10_000);
    const onCreated = (contents: WebContents) => {
      if (contents.getURL() !== url) return;
      clearTimeout(timer);
      server.off('web-contents-created', onCreated);
      resolve(contents);
    };
    server.on('web-contents-created', onCreated);
  });
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`page error in ${url}:`, error));
  await page.goto(url);
  return { page, webContents: await created };
}

/**
 * Registers the hooks of a Chromium test file: one browser for the file, and after each test the
 * cleanup steps it pushed, newest first. `start` serves the fixtures with the current bundle for an
 * isolated main (sync replies may take up to 60 s); `open` opens a page that is closed after the test.
 */
export function chromiumSuite() {
  let browser: Browser | undefined;
  const cleanup: (() => unknown)[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  return {
    cleanup,
    get browser(): Browser {
      if (!browser) throw new Error('Chromium is not running: use it inside a test.');
      return browser;
    },
    async start(options: ServerOptions & { syncReplyTimeout?: number } = {}) {
      const { logger, log } = recordingLogger();
      const main: Main = createMain({ logger, syncReplyTimeout: options.syncReplyTimeout ?? 60_000 });
      const server = await createServer({
        static: FIXTURES,
        clientScript: await testBundle(),
        ...options,
        main,
      });
      cleanup.push(() => server.close());
      return { main, server, log };
    },
    async open(server: IpcServer, path?: string) {
      const opened = await openPage(this.browser, server, path);
      cleanup.push(() => opened.page.close());
      return opened;
    },
  };
}
