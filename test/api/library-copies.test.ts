import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { registerLibraryCopy } from '../../src/api/library-copies.js';
import { IpcErrorCode } from '../../src/protocol/errors.js';

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const KEY = Symbol.for('ipc-anywhere.copies');

describe('registerLibraryCopy', () => {
  it('warns once, at the second copy, naming both; later copies stay quiet', () => {
    const global = globalThis as Record<symbol, unknown>;
    const saved = global[KEY];
    delete global[KEY];
    try {
      const logger = { warn: vi.fn(), error: vi.fn() };
      registerLibraryCopy(logger, '/app/node_modules/ipc-anywhere/');
      expect(logger.warn).not.toHaveBeenCalled();
      registerLibraryCopy(logger, '/app/node_modules/plugin/node_modules/ipc-anywhere/');
      registerLibraryCopy(logger, '/third/');
      expect(logger.warn).toHaveBeenCalledTimes(1);
      const text = String(logger.warn.mock.calls[0]![0]);
      expect(text).toContain(`[${IpcErrorCode.DuplicateCopy}]`);
      expect(text).toContain(
        '/app/node_modules/ipc-anywhere/ and /app/node_modules/plugin/node_modules/ipc-anywhere/',
      );
      expect(logger.error).not.toHaveBeenCalled();
    } finally {
      global[KEY] = saved;
    }
  });
});

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
