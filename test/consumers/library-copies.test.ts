import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { IpcErrorCode } from '../../src/protocol/errors.js';

/*
 * The built package as installed twice (issue #19): two copies in one process each have their own
 * ipcMain, and the second says so once. Needs dist/ (node scripts/build.mjs).
 */

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('two installed copies in one process', () => {
  const copy = mkdtempSync(join(tmpdir(), 'ipc-anywhere-copy-'));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  /** Runs `code` (an ES module) in a fresh Node process; resolves with its stderr. */
  async function stderrOf(code: string): Promise<string> {
    const { stderr } = await run(process.execPath, ['--input-type=module', '-e', code], {
      cwd: ROOT,
      timeout: 30_000,
    });
    return stderr;
  }

  it('the second copy of the built package logs ERR_IPC_DUPLICATE_COPY once, naming both folders', async () => {
    if (!existsSync(join(ROOT, 'dist', 'main.js')))
      throw new Error('dist/ is missing: run node scripts/build.mjs first.');
    // An installed copy: its own dist and package.json, its dependencies found through node_modules.
    cpSync(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
    writeFileSync(join(copy, 'package.json'), JSON.stringify({ name: 'ipc-anywhere', type: 'module' }));
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    const first = pathToFileURL(join(ROOT, 'dist', 'main.js')).href;
    const second = pathToFileURL(join(copy, 'dist', 'main.js')).href;
    const testing = pathToFileURL(join(ROOT, 'dist', 'testing.js')).href;

    // One copy through two entries is one copy: nothing to say.
    expect(await stderrOf(`await import('${first}'); await import('${testing}');`)).toBe('');

    const stderr = await stderrOf(
      `const a = await import('${first}'); const b = await import('${second}'); await import('${second}');
       if (a.ipcMain === b.ipcMain) throw new Error('expected two ipcMain singletons');`,
    );
    const warnings = stderr.split('\n').filter((line) => line.includes(IpcErrorCode.DuplicateCopy));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${ROOT}/`);
    expect(warnings[0]).toContain(`${copy}/`);
    expect(warnings[0]).toContain('npm ls ipc-anywhere');
  }, 60_000);
});
