/**
 * Chaos test of resume (docs/resume.md): a real main and server behind a TCP proxy that resets a random
 * connection every few ms, with 16 renderers (Node clients and Chromium pages) exchanging numbered
 * messages both ways, invokes and (pages) sendSync. Asserts that every message arrives exactly once and
 * in order in each direction, that no handler runs twice, that every WebContents keeps its id, and
 * that the proxy really cut and the sessions really resumed.
 *
 * CHAOS_MESSAGES sets the messages in both directions together (default 100 000; `npm run chaos` runs
 * 10^6 and keeps its figures in bench/results/chaos.json). CHAOS_SEED replays a cut schedule (the
 * delays and which connection is cut; the traffic's timing still varies from run to run).
 * To tell apart what fails: CHAOS_PAGES sets how many of the 16 are Chromium pages (default 3), and
 * CHAOS_SYNC=0 keeps the pages from calling sendSync.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMain, createServer } from '../../src/main.js';
import { FIXTURES, launchChromium, testBundle } from '../transports/websocket/browser.js';
import { seededRandom, startChaosProxy } from '../transports/websocket/chaos-proxy.js';
import { installMainLedger } from './main-ledger.js';
import type { DrivePlan } from './renderer-driver.js';
import { type ChaosRenderer, nodeRenderer, pageRenderer } from './renderers.js';
import { summarize, summaryLine, writeSummary } from './summary.js';
import { printTroubles } from './troubles.js';
import { expectExactlyOnce } from './verdict.js';

const MESSAGES = Number(process.env.CHAOS_MESSAGES ?? 100_000);
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 32));
const FULL_RUN = MESSAGES >= 1_000_000;
const RENDERERS = 16;
const PAGES = Number(process.env.CHAOS_PAGES ?? 3);
const PAGES_SEND_SYNC = process.env.CHAOS_SYNC !== '0';
/** Messages each renderer sends, and receives. */
const PER_STREAM = Math.ceil(MESSAGES / (2 * RENDERERS));
/** A cut every 2..20 ms: each renderer loses its connection every 200 ms or so. */
const CUT_MIN_MS = 2;
const CUT_MAX_MS = 20;
/** Generous: a healthy run of 10^5 takes a few seconds, 10^6 under a minute. */
const DRIVE_TIMEOUT_MS = 20_000 + MESSAGES / 5;
const BATCH = 64;

const plan = (index: number, page: boolean): DrivePlan => ({
  index,
  upTotal: PER_STREAM,
  downTotal: PER_STREAM,
  batch: BATCH,
  inFlight: 3,
  syncEvery: page && PAGES_SEND_SYNC ? 2 : 0,
  timeoutMs: DRIVE_TIMEOUT_MS,
  settleMs: 100,
});

const withError = (fields: { err?: unknown }): unknown[] => (fields.err === undefined ? [] : [fields.err]);

/** Main's log: errors, and warnings (a drop and a resume each log one) up to a bound. */
function keepingLogger() {
  const log = { warnings: [] as string[], errors: [] as string[] };
  const text = (args: unknown[]) =>
    args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' ');
  return {
    log,
    logger: {
      warn: (fields: { err?: unknown }, message: string) => {
        if (log.warnings.length < 100_000) log.warnings.push(text([message, ...withError(fields)]));
      },
      error: (fields: { err?: unknown }, message: string) =>
        log.errors.push(text([message, ...withError(fields)])),
    },
  };
}

let browser: Browser | undefined;
const cleanup: (() => unknown)[] = [];
beforeAll(async () => {
  if (PAGES > 0) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('chaos: resume under random cuts', () => {
  it(
    `${MESSAGES} messages between main and ${RENDERERS} renderers arrive exactly once, in order`,
    async () => {
      console.log(`chaos: seed ${SEED} (CHAOS_SEED=${SEED} replays the cut schedule)`);
      const { logger, log } = keepingLogger();
      const main = createMain({ logger });
      const server = await createServer({ main, static: FIXTURES, clientScript: await testBundle() });
      cleanup.push(() => server.close());
      const proxy = await startChaosProxy(server.url);
      cleanup.push(() => proxy.close());
      const ledger = installMainLedger(main, server, {
        renderers: RENDERERS,
        upTotal: PER_STREAM,
        downTotal: PER_STREAM,
        downWindow: 2 * BATCH,
      });

      const opening = Array.from({ length: RENDERERS }, (_, index) =>
        index < RENDERERS - PAGES ? nodeRenderer(proxy.url) : pageRenderer(browser!, server, proxy.url),
      );
      for (const renderer of opening)
        cleanup.push(async () => (await renderer.catch(() => undefined))?.close());
      const renderers: ChaosRenderer[] = await Promise.all(opening);

      const started = performance.now();
      proxy.cutRandomly(CUT_MIN_MS, CUT_MAX_MS, seededRandom(SEED));
      const reports = await Promise.all(
        renderers.map((renderer, index) => renderer.drive(plan(index, index >= RENDERERS - PAGES))),
      );
      proxy.stopCutting();
      const durationMs = performance.now() - started;
      ledger.stop();

      const summary = summarize({
        seed: SEED,
        pages: PAGES,
        pagesSendSync: PAGES_SEND_SYNC,
        cutEveryMs: [CUT_MIN_MS, CUT_MAX_MS],
        reports,
        ledger,
        proxy,
        durationMs,
      });
      console.log(summaryLine(summary));
      if (summary.sendSync.failed > 0) console.log('chaos: sendSync threw:', summary.sendSync.failures);

      printTroubles(reports, ledger, log);

      for (const report of reports) {
        expectExactlyOnce(report, ledger.renderers[report.index]!, `renderer ${report.index} (seed ${SEED})`);
      }
      expect(ledger.destroyed, 'WebContents destroyed during the run').toEqual([]);
      expect(log.errors, 'errors main logged').toEqual([]);
      expect(summary.cuts, 'cuts').toBeGreaterThanOrEqual(20);
      expect(summary.resumes.seenByRenderers, 'resumes the renderers saw').toBeGreaterThanOrEqual(10);
      expect(summary.resumes.seenByMain, 'resumes main saw').toBeGreaterThanOrEqual(10);
      if (FULL_RUN) writeSummary(summary);
    },
    DRIVE_TIMEOUT_MS + 60_000,
  );
});
