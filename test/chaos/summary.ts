import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { MainLedger } from './main-ledger.js';
import type { RendererReport } from './renderer-driver.js';

/** The figures of one chaos run. */
export interface ChaosSummary {
  date: string;
  seed: number;
  node: string;
  cpus: number;
  renderers: { node: number; pages: number; pagesSendSync: boolean };
  /** The proxy cut a random connection every this many ms (uniform). */
  cutEveryMs: [number, number];
  messages: { total: number; toMain: number; toRenderers: number };
  invokes: number;
  sendSync: { made: number; failed: number; failures: string[] };
  cuts: number;
  connections: number;
  resumes: { seenByRenderers: number; seenByMain: number; replayedFrames: number };
  durationMs: number;
  messagesPerSecond: number;
}

export function summarize(options: {
  seed: number;
  pages: number;
  pagesSendSync: boolean;
  cutEveryMs: [number, number];
  reports: RendererReport[];
  ledger: MainLedger;
  proxy: { cuts: number; connections: number };
  durationMs: number;
}): ChaosSummary {
  const { reports, ledger, proxy, durationMs } = options;
  const sum = (pick: (report: RendererReport) => number) => reports.reduce((n, r) => n + pick(r), 0);
  const toMain = ledger.renderers.reduce((n, r) => n + r.up.report.distinct, 0);
  const toRenderers = sum((r) => r.down.distinct);
  return {
    date: new Date().toISOString(),
    seed: options.seed,
    node: process.version,
    cpus: cpus().length,
    renderers: {
      node: reports.length - options.pages,
      pages: options.pages,
      pagesSendSync: options.pagesSendSync,
    },
    cutEveryMs: options.cutEveryMs,
    messages: { total: toMain + toRenderers, toMain, toRenderers },
    invokes: sum((r) => r.invokes.returned),
    sendSync: {
      made: sum((r) => r.syncs.made),
      failed: sum((r) => r.syncs.failed),
      failures: reports.flatMap((r) => r.syncs.failures.map((f) => `renderer ${r.index}: ${f}`)).slice(0, 10),
    },
    cuts: proxy.cuts,
    connections: proxy.connections,
    resumes: {
      seenByRenderers: sum((r) => r.states.resumed ?? 0),
      seenByMain: ledger.connectionResumed,
      replayedFrames: ledger.replayedFrames,
    },
    durationMs: Math.round(durationMs),
    messagesPerSecond: Math.round(((toMain + toRenderers) / durationMs) * 1000),
  };
}

export function summaryLine(s: ChaosSummary): string {
  return (
    `chaos: seed ${s.seed}, ${s.renderers.node} Node + ${s.renderers.pages} page renderers` +
    `${s.renderers.pagesSendSync ? '' : ' (no sendSync)'}, ` +
    `${s.messages.total} messages (${s.messages.toMain} to main, ${s.messages.toRenderers} to renderers), ` +
    `${s.invokes} invokes, ${s.sendSync.made} sendSync (${s.sendSync.failed} threw), ` +
    `${s.cuts} cuts, ${s.resumes.seenByRenderers} resumes (main saw ${s.resumes.seenByMain}), ` +
    `${(s.durationMs / 1000).toFixed(1)} s, ${s.messagesPerSecond} msgs/s`
  );
}

const RESULTS = fileURLToPath(new URL('../../bench/results/', import.meta.url));

/** Keeps the full run's figures with the other benchmark results. */
export function writeSummary(s: ChaosSummary): void {
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(`${RESULTS}chaos.json`, `${JSON.stringify(s, null, 2)}\n`);
}
