import { describe, expect, it } from 'vitest';
import { silenceableProxy, within } from './attackers.js';
import { expectMainUnharmed, hostileSuite, underAttack } from './harness.js';

/*
 * Issue #12, row 8: a Node client whose link goes silent (a proxy that stops forwarding without
 * closing) must notice on its own and reject its pending calls with ERR_IPC_CLOSED in bounded time.
 */

const suite = hostileSuite();
/**
 * Short keepalive settings: a dead link is noticed within 2 x interval + timeout = 1 s. Without
 * reconnecting: a resuming client would wait for the link to come back (test/transports/websocket/resume.test.ts).
 */
const KEEPALIVE = { keepaliveInterval: 250, keepaliveTimeout: 500, reconnect: false } as const;
/** How long the pending invoke may stay pending once the link is dead (generous over the 1 s above). */
const CLOSED_WITHIN_MS = 3_000;

describe('hostile: a silent link (row 8)', () => {
  it('row 8: a Node client behind a link that goes silent rejects its pending invoke with ERR_IPC_CLOSED in bounded time', async () => {
    const target = await suite.start();
    const proxy = await silenceableProxy(target.child.url);
    suite.cleanup.push(() => proxy.close());
    const client = await suite.renderer(proxy.url, KEEPALIVE);
    expect(await client.invoke('echo', 'through the proxy')).toBe('through the proxy');
    const report = await underAttack(target, async () => {
      proxy.goSilent();
      const started = performance.now();
      const outcome = await within(client.invoke('echo', 'into the void'), CLOSED_WITHIN_MS);
      return { outcome, afterMs: Math.round(performance.now() - started) };
    });
    await expectMainUnharmed(target, report);
    const outcome = report.result?.outcome;
    expect(outcome, `the pending invoke settles within ${CLOSED_WITHIN_MS} ms`).not.toBe('timeout');
    const error = outcome && outcome !== 'timeout' && 'error' in outcome ? outcome.error : outcome;
    expect(error, 'the pending invoke rejects with ERR_IPC_CLOSED').toMatchObject({ code: 'ERR_IPC_CLOSED' });
  });
});
