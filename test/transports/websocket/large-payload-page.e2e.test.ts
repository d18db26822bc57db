import { describe, expect, it } from 'vitest';
import { chromiumSuite } from './browser.js';

const suite = chromiumSuite();
const { start } = suite;
const open = suite.open.bind(suite);

/* A page's large invoke (issue 19, item 7): chunked both ways over the page's WebSocket, with progress. */
describe('Chromium page: a 12 MB invoke echo', () => {
  it('streams in chunks both ways, tells progress up to the total, and comes back byte-identical', async () => {
    const { main, server } = await start();
    main.ipcMain.handle('echo', (_event, value: unknown) => value);
    const { page } = await open(server);
    const result = await page.evaluate(async () => {
      const size = 12 * 1024 * 1024;
      const data = new Uint8Array(size);
      for (let i = 0; i < size; i++) data[i] = (i * 7 + (i >> 11)) & 255;
      const seen: Record<string, { bytes: number; total: number }[]> = { upload: [], download: [] };
      const echo: Uint8Array = await (window as any).ipcRenderer
        .withOptions({
          onProgress: (p: { phase: string; bytes: number; total: number }) =>
            seen[p.phase]!.push({ bytes: p.bytes, total: p.total }),
        })
        .invoke('echo', data);
      let same = echo.byteLength === size;
      for (let i = 0; same && i < size; i++) same = echo[i] === data[i];
      const check = (list: { bytes: number; total: number }[]) => ({
        calls: list.length,
        monotonic: list.every(
          (p, i) => i === 0 || (p.bytes >= list[i - 1]!.bytes && p.total === list[0]!.total),
        ),
        endsAtTotal: list.at(-1)!.bytes === list.at(-1)!.total && list.at(-1)!.total > size,
      });
      return { same, upload: check(seen.upload!), download: check(seen.download!) };
    });
    expect(result.same).toBe(true);
    for (const phase of [result.upload, result.download]) {
      expect(phase.calls).toBeGreaterThanOrEqual(24);
      expect(phase.monotonic).toBe(true);
      expect(phase.endsAtTotal).toBe(true);
    }
  }, 30_000);
});
