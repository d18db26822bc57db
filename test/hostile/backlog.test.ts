import { describe, expect, it } from 'vitest';
import { sleep, stalledPage, waitFor } from './attackers.js';
import { expectMainUnharmed, hostileSuite, RSS_CEILING_MB, underAttack } from './harness.js';
import { currentRssMb } from './samplers.js';

/*
 * Issue #12, row 7: pages that stop reading while main broadcasts. With default options main's memory
 * must stay predictable (a low per-connection bound and a server-wide cap) and be given back once the
 * pages are gone, while a reading renderer keeps getting every broadcast.
 */

const suite = hostileSuite();
const STALLED_PAGES = 4;
/**
 * 256 KiB every 10 ms for 4 s: 100 MiB per page, 400 MiB for four if main keeps it all (over the
 * ceiling with main's own 60 MB), at a rate the two healthy renderers and main take without stalls.
 */
const BROADCAST = { bytes: 256 * 1024, count: 400, intervalMs: 10 } as const;
/**
 * What main may still hold (V8 heap in use plus buffers) once the stalled pages are gone and a GC ran;
 * idle it is about 15 MB. Held memory, not RSS: the allocator keeps freed pages for reuse, so RSS
 * after a burst says little about whether the library let go (RSS stays under the ceiling too).
 */
const HELD_AFTER_GONE_MB = 64;
/** How long main may take to let go once the stalled pages are gone. */
const RELEASE_WITHIN_MS = 3_000;

describe('hostile: slow consumers (row 7)', () => {
  it('row 7: 4 pages that stop reading while main broadcasts: RSS bounded and returned once they are gone; a reading renderer gets every broadcast', async () => {
    const target = await suite.start();
    const { child, healthy } = target;
    const stalled = await Promise.all(Array.from({ length: STALLED_PAGES }, () => stalledPage(child.url)));
    suite.cleanup.push(() => {
      for (const socket of stalled) socket.destroy();
    });
    let received = 0;
    healthy.on('news', () => received++);
    const report = await underAttack(target, () =>
      child.request<{ sent: number }>('broadcast', BROADCAST, 30_000),
    );
    await expectMainUnharmed(target, report);
    const sent = report.result?.sent ?? 0;
    expect(sent, 'broadcasts main sent').toBe(BROADCAST.count);
    await waitFor(() => received >= sent, 3_000, 'the reading renderer gets every broadcast').catch(() => {});
    expect(received, 'broadcasts the reading renderer got').toBe(sent);

    for (const socket of stalled) socket.destroy();
    if (child.exit) return;
    let heldMb = Number.POSITIVE_INFINITY;
    for (let waited = 0; waited <= RELEASE_WITHIN_MS && heldMb >= HELD_AFTER_GONE_MB; waited += 250) {
      await sleep(250);
      const memory = await child.request<{ heapUsed: number; external: number }>('gc');
      heldMb = Math.round((memory.heapUsed + memory.external) / 2 ** 20);
    }
    expect(heldMb, 'memory (MB) main still holds once the stalled pages are gone').toBeLessThan(
      HELD_AFTER_GONE_MB,
    );
    expect(currentRssMb(child.pid), 'main RSS (MB) once the stalled pages are gone').toBeLessThan(
      RSS_CEILING_MB,
    );
  });
});
