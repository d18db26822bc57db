// Figures, ratios and the Markdown of bench/RESULTS.md.
import { OURS, TRANSPORTS } from './scenarios.mjs';

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  return n % 2 ? sorted[n >> 1] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/** Per-repetition ratio for `target` given the two figures. */
export function ratioOf(target, ours, base) {
  return target.ratio === 'base/ours' ? base / ours : ours / base;
}

/** Aggregates one scenario's repetitions: `reps` is a list of `{ [variant]: value | undefined }`. */
export function aggregate(scenario, reps, judge = true) {
  const variants = {};
  for (const name of Object.keys(scenario.variants)) {
    const values = reps.map((rep) => rep[name]).filter((v) => typeof v === 'number');
    variants[name] = values.length
      ? { values, median: median(values), min: Math.min(...values), max: Math.max(...values) }
      : { values };
  }
  const targets = scenario.targets.map((target) => {
    const ratios = reps
      .filter((rep) => typeof rep[OURS] === 'number' && typeof rep[target.baseline] === 'number')
      .map((rep) => ratioOf(target, rep[OURS], rep[target.baseline]));
    const out = { ...target, ratios };
    if (ratios.length) {
      out.ratioMedian = median(ratios);
      out.ratioMin = Math.min(...ratios);
      out.ratioMax = Math.max(...ratios);
      if (judge && target.min !== undefined) out.met = out.ratioMedian >= target.min;
      else if (judge && target.max !== undefined) out.met = out.ratioMedian <= target.max;
    }
    return out;
  });
  return { variants, targets };
}

export function formatFigure(value, unit) {
  if (typeof value !== 'number') return 'failed';
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  const text = value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  return `${text} ${unit}`;
}

const fixed = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function targetText(target) {
  const what = target.ratio === 'base/ours' ? ' (times faster)' : '';
  if (target.min !== undefined) return `>= ${target.min}${what}`;
  if (target.max !== undefined) return `<= ${target.max}${what}`;
  return 'none (for reference)';
}

/**
 * For latency scenarios (p50): the p99s of the same runs, `ours / baseline (median per-repetition
 * ratio)`; empty for the others.
 */
function p99Text(scenario, baseline) {
  if (scenario.metric !== 'p50') return '';
  const ours = scenario.variants[OURS].runs ?? [];
  const base = scenario.variants[baseline].runs ?? [];
  const oursP99 = [];
  const baseP99 = [];
  const ratios = [];
  for (let i = 0; i < Math.min(ours.length, base.length); i++) {
    const [x, y] = [ours[i]?.p99, base[i]?.p99];
    if (typeof x !== 'number' || typeof y !== 'number') continue;
    oursP99.push(x);
    baseP99.push(y);
    ratios.push(x / y);
  }
  if (!ratios.length) return 'n/a';
  const unit = scenario.unit;
  return `${formatFigure(median(oursP99), unit)} / ${formatFigure(median(baseP99), unit)} (${fixed(median(ratios))})`;
}

/** One Markdown table per transport. */
export function markdownTables(results) {
  const lines = [];
  for (const transport of TRANSPORTS) {
    const rows = results.scenarios.filter((s) => s.transport === transport.id);
    if (!rows.length) continue;
    lines.push(`### ${transport.title}`, '');
    lines.push(
      '| scenario | ipc-anywhere | baseline | baseline figure | ratio, median [min–max] | target | met | p99: ipc-anywhere / baseline (ratio) |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const scenario of rows) {
      const ours = scenario.variants[OURS];
      for (const target of scenario.targets) {
        const base = scenario.variants[target.baseline];
        const ratio =
          target.ratioMedian === undefined
            ? 'n/a'
            : `${fixed(target.ratioMedian)} [${fixed(target.ratioMin)}–${fixed(target.ratioMax)}]`;
        const met =
          target.met === undefined
            ? target.ratioMedian === undefined
              ? 'failed'
              : '–'
            : target.met
              ? 'yes'
              : '**no**';
        lines.push(
          `| ${scenario.title} | ${formatFigure(ours.median, scenario.unit)} | ${target.baseline} | ${formatFigure(base.median, scenario.unit)} | ${ratio} | ${targetText(target)} | ${met} | ${p99Text(scenario, target.baseline)} |`,
        );
      }
    }
    lines.push('');
  }
  return lines.join('\n');
}

export function machineNotes(machine) {
  return [
    `- Date: ${machine.date}`,
    `- CPU: ${machine.cpus} × ${machine.cpuModel} (${machine.platform} ${machine.osRelease}, ${machine.memoryGiB} GiB RAM)`,
    `- Node ${machine.node}; ${machine.chromium}`,
    `- Baselines: ${Object.entries(machine.baselines)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}`,
  ].join('\n');
}
