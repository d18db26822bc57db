#!/usr/bin/env node
// The benchmark suite against the alternatives (issue 7). For every scenario in suite/scenarios.mjs and
// every repetition, each variant (ipc-anywhere and its baselines) runs back to back in a fresh process,
// the order reversed every other repetition; the figure is the median of the per-repetition ratios,
// with min and max. Only loopback; every loop is bounded in count and time; every child process and
// browser is killed at the end, also on failure.
//
//   npm run bench                      full run (>= 5 repetitions): bench/results/latest.json, bench/RESULTS.md
//   npm run bench -- --quick           smoke pass (1 repetition, tiny counts; checks nothing about speed),
//                                      written to --out (default: a temp dir)
//   node bench/run.mjs --only node-send,worker --reps 3   some scenarios (prefix match); printed only
//   options: --reps N, --out DIR (write latest.json and RESULTS.md there)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM } from './suite/chromium.mjs';
import { killAll, runNode } from './suite/proc.mjs';
import { aggregate, formatFigure, machineNotes, markdownTables } from './suite/report.mjs';
import { OURS, SCENARIOS } from './suite/scenarios.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const argv = process.argv.slice(2);
const option = (name) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const quick = argv.includes('--quick');
const only = option('--only')?.split(',');
const reps = Number(option('--reps') ?? (quick ? 1 : 7));
const official = !quick && !only && option('--out') === undefined;
const outDir = option('--out') ?? (quick ? join(tmpdir(), 'ipc-anywhere-bench-quick') : undefined);

if (!existsSync(join(root, 'dist/main.js')) || !existsSync(join(root, 'dist/browser/renderer.js'))) {
  console.error('bench: dist/ is missing; run `npm run build` first (npm run bench does).');
  process.exit(1);
}
if (!existsSync(CHROMIUM)) {
  console.error(`bench: the Chromium scenarios need ${CHROMIUM} (apt-get install -y chromium).`);
  process.exit(1);
}

const scenarios = SCENARIOS.filter((s) => !only || only.some((prefix) => s.id.startsWith(prefix)));
if (!scenarios.length) {
  console.error(`bench: no scenario matches ${only}`);
  process.exit(1);
}

function versionOf(name) {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'missing';
  }
}

function chromiumVersion() {
  try {
    return execFileSync(CHROMIUM, ['--version'], {
      encoding: 'utf8',
      timeout: 20_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'Chromium (version unknown)';
  }
}

const machine = {
  date: new Date().toISOString(),
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
  platform: process.platform,
  osRelease: release(),
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  chromium: chromiumVersion(),
  baselines: Object.fromEntries(
    ['ws', 'bufferutil', 'socket.io', 'socket.io-client', 'synckit', 'electron-mock-ipc'].map((name) => [
      name,
      versionOf(name),
    ]),
  ),
};

const timeoutFor = (scenario) => (quick ? 45_000 : scenario.transport === 'chromium' ? 120_000 : 180_000);
const started = performance.now();
const failures = [];
const retries = [];
const results = { quick, repetitions: reps, machine, scenarios: [] };

try {
  for (const scenario of scenarios) {
    const names = Object.keys(scenario.variants);
    const repetitions = [];
    const details = Object.fromEntries(names.map((name) => [name, []]));
    for (let rep = 0; rep < reps; rep++) {
      // ipc-anywhere first on even repetitions, last on odd ones.
      const order = rep % 2 === 0 ? names : [...names].reverse();
      const figures = {};
      for (const name of order) {
        const [script, ...args] = scenario.variants[name];
        if (quick) args.push('--quick');
        const t0 = performance.now();
        const attempt = async () => {
          const result = await runNode(join(here, script), args, {
            timeoutMs: timeoutFor(scenario),
            execArgv: scenario.execArgv ?? [],
          });
          const value = result[scenario.metric];
          if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
            throw new Error(`no usable ${scenario.metric} in ${JSON.stringify(result)}`);
          return { result, value };
        };
        try {
          // One retry: a shared machine sometimes starves a run past its time limit.
          const { result, value } = await attempt().catch((error) => {
            retries.push({
              scenario: scenario.id,
              variant: name,
              rep,
              error: String(error.message ?? error),
            });
            process.stdout.write(
              `  ${scenario.id} #${rep + 1} ${name}: failed, retrying: ${error.message ?? error}\n`,
            );
            return attempt();
          });
          figures[name] = value;
          details[name].push(result);
          process.stdout.write(
            `  ${scenario.id} #${rep + 1} ${name}: ${formatFigure(value, scenario.unit)} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
          );
        } catch (error) {
          failures.push({ scenario: scenario.id, variant: name, rep, error: String(error.message ?? error) });
          details[name].push({ error: String(error.message ?? error) });
          process.stdout.write(`  ${scenario.id} #${rep + 1} ${name}: FAILED\n${error.message ?? error}\n`);
        }
      }
      repetitions.push(figures);
    }
    const { variants, targets } = aggregate(scenario, repetitions, !quick);
    for (const name of names) variants[name].runs = details[name];
    results.scenarios.push({
      id: scenario.id,
      transport: scenario.transport,
      title: scenario.title,
      metric: scenario.metric,
      unit: scenario.unit,
      repetitions,
      variants,
      targets,
    });
  }
} finally {
  killAll();
}

results.durationSeconds = Math.round((performance.now() - started) / 1000);
results.failures = failures;
results.retries = retries;
const tables = markdownTables(results);
const summary = results.scenarios.flatMap((s) =>
  s.targets.filter((t) => t.met === false).map((t) => `${s.id} vs ${t.baseline}`),
);

const markdown = `# Benchmark results

\`npm run bench\`${quick ? ' -- --quick (smoke pass: counts too small to mean anything)' : ''}: ${reps} repetition${reps === 1 ? '' : 's'} per scenario; in each, ipc-anywhere and every baseline run back to back in fresh processes (the order reversed every other repetition). A ratio is taken per repetition; the table shows its median with min and max. Figures in the ${OURS} and baseline columns are medians over the repetitions. Loopback only. Raw data: \`bench/results/latest.json\`. How each scenario is measured: \`bench/README.md\`.

${machineNotes(machine)}
- Whole run: ${results.durationSeconds} s

${tables}
${summary.length ? `Targets missed: ${summary.join('; ')} (see docs/performance.md for the floors).` : 'Every target met.'}
${failures.length ? `\nFailed runs: ${failures.map((f) => `${f.scenario}/${f.variant} #${f.rep + 1}`).join(', ')}\n` : ''}`;

console.log(`\n${tables}`);
if (failures.length) console.log(`${failures.length} run(s) failed.`);

const write = (dir, mdPath) => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(mdPath, markdown);
  console.log(`wrote ${join(dir, 'latest.json')} and ${mdPath}`);
};
if (official) write(join(here, 'results'), join(here, 'RESULTS.md'));
else if (outDir) write(outDir, join(outDir, 'RESULTS.md'));
console.log(`bench: ${results.durationSeconds} s`);
process.exit(failures.length ? 1 : 0);
