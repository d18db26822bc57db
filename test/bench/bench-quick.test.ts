import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Keeps the benchmark suite from rotting: `npm run bench -- --quick` runs every scenario, every variant
// (Chromium included) with tiny counts. It checks that everything runs and reports, nothing about speed.
const root = fileURLToPath(new URL('../..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'ipc-anywhere-bench-test-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

function runQuickBench(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bench/run.mjs', '--quick', '--out', out], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    // The suite bounds every run itself; this only guards against a hang of the suite.
    const timer = setTimeout(() => child.kill('SIGTERM'), 230_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('bench suite, quick pass', () => {
  it('runs every scenario against its baselines and writes well-formed results', async () => {
    const { code, output } = await runQuickBench();
    expect(code, output).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
    expect(results.quick).toBe(true);
    expect(results.failures).toEqual([]);
    expect(results.machine.cpus).toBeGreaterThan(0);
    expect(results.machine.chromium).toMatch(/Chromium/);
    // @ts-expect-error: a plain .mjs bench module without type declarations
    const { SCENARIOS } = (await import('../../bench/suite/scenarios.mjs')) as {
      SCENARIOS: { id: string }[];
    };
    expect(results.scenarios.map((s: { id: string }) => s.id)).toEqual(SCENARIOS.map((s) => s.id));
    for (const scenario of results.scenarios) {
      for (const [name, variant] of Object.entries<{ median?: number }>(scenario.variants)) {
        expect(variant.median, `${scenario.id} ${name}`).toBeGreaterThan(0);
      }
      for (const target of scenario.targets) expect(target.ratioMedian).toBeGreaterThan(0);
    }
    const markdown = readFileSync(join(out, 'RESULTS.md'), 'utf8');
    expect(markdown).toContain('### Worker thread');
    expect(markdown).toContain('ipc-anywhere');
  }, 240_000);
});
