import { expect } from 'vitest';
import type { RendererLedger } from './main-ledger.js';
import type { RendererReport } from './renderer-driver.js';

/**
 * What resume promises one renderer, checked from both ends: every message both ways exactly once and
 * in order, every call answered once by a handler that ran once, one WebContents throughout.
 */
export function expectExactlyOnce(report: RendererReport, mine: RendererLedger, at: string): void {
  const clean = (total: number) => ({ distinct: total, duplicated: 0, reordered: 0, foreign: 0 });
  expect(report.error, `${at} ran to the end`).toBeUndefined();
  expect(report.timedOut, `${at} finished in time`).toBe(false);
  expect(mine.up.report, `${at}: its messages as main got them`).toEqual(clean(mine.up.total));
  expect(report.down, `${at}: main's messages as it got them`).toEqual(clean(mine.downTotal));
  expect(mine.downSent, `${at}: main sent all`).toBe(mine.downTotal);

  const { invokes, syncs } = report;
  expect(invokes, `${at}: invokes`).toMatchObject({ returned: invokes.made, wrongValue: 0, orderBroken: 0 });
  expect(invokes.failures, `${at}: invokes failed`).toEqual([]);
  expect(mine.invokeRuns.size, `${at}: invoke handlers that ran`).toBe(invokes.made);
  expect(ranTwice(mine.invokeRuns), `${at}: invoke handlers that ran twice`).toEqual([]);
  // A sendSync that threw is counted and reported by the test, not failed here; its request still
  // reaches main once (docs/resume.md).
  expect(syncs.returned + syncs.failed, `${at}: sendSync calls accounted for`).toBe(syncs.made);
  expect(syncs, `${at}: sendSync`).toMatchObject({ wrongValue: 0, orderBroken: 0 });
  expect(mine.syncRuns.size, `${at}: sendSync listeners that ran`).toBe(syncs.made);
  expect(ranTwice(mine.syncRuns), `${at}: sendSync listeners that ran twice`).toEqual([]);

  expect(mine.senderChanges, `${at}: messages from another WebContents`).toBe(0);
  expect(report.webContentsIds, `${at}: WebContents ids`).toEqual([mine.contents?.id]);
  expect(report.states['new-session'] ?? 0, `${at}: new sessions`).toBe(0);
  expect(report.states.closed ?? 0, `${at}: closed`).toBe(0);
}

/** The call ids whose handler ran more than once. */
function ranTwice(runs: ReadonlyMap<number, number>): number[] {
  return [...runs].filter(([, count]) => count !== 1).map(([id]) => id);
}
