import { describe, expect, it } from 'vitest';
import { sleep, stalledPage, waitFor } from './attackers.js';
import { expectMainUnharmed, hostileSuite, underAttack } from './harness.js';
import { currentRssMb } from './samplers.js';

/*
 * Issue #12, row 7: pages that stop reading while main broadcasts. With default options main's memory
 * must stay predictable (a low per-connection bound and a server-wide cap) and be given back once the
 * pages are gone, while a reading renderer keeps getting every broadcast.
 */

const suite = hostileSuite();
const STALLED_PAGES = 4;
/** 256 KiB every 5 ms for 3 s: 150 MiB per page, 600 MiB for four if main keeps it all. */
const BROADCAST = { bytes: 256 * 1024, count: 600, intervalMs: 5 } as const;
/** Main's RSS once the stalled pages are gone and a GC ran (idle main is about 60 MB). */
const RSS_AFTER_GONE_MB = 150;

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
    await sleep(500);
    if (child.exit) return;
    await child.request('gc');
    expect(currentRssMb(child.pid), 'main RSS (MB) once the stalled pages are gone').toBeLessThan(
      RSS_AFTER_GONE_MB,
    );
  });
});
