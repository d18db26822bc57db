import type { MainLedger, RendererLedger } from './main-ledger.js';
import type { RendererReport, StreamReport } from './renderer-driver.js';

function stream(s: StreamReport, total: number): string {
  const extras = [
    s.duplicated > 0 && `duplicated ${s.duplicated}`,
    s.reordered > 0 && `reordered ${s.reordered}`,
    s.foreign > 0 && `foreign ${s.foreign}`,
  ].filter(Boolean);
  return `${s.distinct}/${total}${extras.length > 0 ? ` (${extras.join(', ')})` : ''}`;
}

const clean = (s: StreamReport, total: number) =>
  s.distinct === total && s.duplicated === 0 && s.reordered === 0 && s.foreign === 0;

function wentWrong(report: RendererReport, mine: RendererLedger): boolean {
  const ranTwice = [...mine.invokeRuns.values(), ...mine.syncRuns.values()].some((runs) => runs !== 1);
  return (
    report.error !== undefined ||
    report.timedOut ||
    !clean(mine.up.report, mine.up.total) ||
    !clean(report.down, mine.downTotal) ||
    report.invokes.failed > 0 ||
    report.invokes.returned !== report.invokes.made ||
    ranTwice ||
    mine.senderChanges > 0
  );
}

function describeRun(report: RendererReport, mine: RendererLedger): string {
  const { invokes } = report;
  const facts = [
    `up ${stream(mine.up.report, mine.up.total)}`,
    `down ${stream(report.down, mine.downTotal)} (main sent ${mine.downSent})`,
    `invokes ${invokes.returned}/${invokes.made} returned, ${invokes.failed} failed`,
    `states ${JSON.stringify(report.states)}`,
    report.timedOut && 'timed out',
    report.error,
    invokes.failures.length > 0 && `first invoke failure: ${invokes.failures[0]}`,
  ].filter(Boolean);
  return `chaos: renderer ${report.index} (WebContents ${mine.contents?.id}): ${facts.join(', ')}`;
}

/**
 * Prints what a failing seed needs before anyone reads the assertions: a line per renderer whose run
 * went wrong, with what both ends saw; main's errors; main's warnings about those renderers.
 */
export function printTroubles(
  reports: readonly RendererReport[],
  ledger: MainLedger,
  log: { warnings: readonly string[]; errors: readonly string[] },
): void {
  const troubled = reports.filter((report) => wentWrong(report, ledger.renderers[report.index]!));
  for (const report of troubled) console.log(describeRun(report, ledger.renderers[report.index]!));
  if (troubled.length === 0 && log.errors.length === 0) return;
  console.log('chaos: main logged errors:', log.errors.slice(0, 20));
  const ids = troubled.map((report) => ledger.renderers[report.index]!.contents?.id);
  const about = log.warnings.filter((line) => ids.some((id) => new RegExp(`#${id}\\b`).test(line)));
  console.log('chaos: main warned about those renderers (the first 40):', about.slice(0, 40));
}
