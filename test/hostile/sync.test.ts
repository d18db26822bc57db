import { describe, expect, it } from 'vitest';
import { encodeMessageFrame } from '../../dist/protocol/message-codec.js';
import { MessageKind } from '../../dist/protocol/messages.js';
import { createConnectionKey, encodeSyncBody } from '../../dist/transports/websocket/wire.js';
import { launchChromium } from '../transports/websocket/browser.js';
import { openRaw, sleep, startSyncRequest, within } from './attackers.js';
import { expectMainUnharmed, hostileSuite, underAttack } from './harness.js';

/*
 * Issue #12, rows 5 and 6: the sync endpoint. At most one sync request is in flight per connection (a
 * blocked renderer cannot send a second), and strangers cannot use up the waiting room that a page's
 * start-up sendSync needs before its socket is open.
 */

const suite = hostileSuite();
const MiB = 1024 * 1024;
/** Each of the 16 bodies: 16 x 40 MiB = 640 MiB if main buffers them all, over RSS_CEILING_MB. */
const SYNC_BODY_BYTES = 40 * MiB;
/** The setting (64 MiB, the old default): bodies of 40 MiB are within the limit, so only the
 * one-request-in-flight rule can refuse them. */
const ROW_5_MAX_PAYLOAD = 64 * MiB;
const PARALLEL_SYNC_REQUESTS = 16;
/** startSyncRequest's status when the connection closed before an answer arrived. */
const CLOSED_UNREAD = 0;
/** The deadline the held request carries (main never answers it: 504 then). */
const HELD_REQUEST_TIMEOUT_MS = 1_500;
const SQUATTERS = 64;
/** How long the page's start-up sendSync may take while the squatters wait. */
const STARTUP_SYNC_WITHIN_MS = 5_000;

describe('hostile: sync endpoint (rows 5, 6)', () => {
  it('row 5: 16 parallel sync bodies on one connection key: one is taken, the others refused; RSS stays bounded', async () => {
    const target = await suite.start({ main: { limits: { maxPayload: ROW_5_MAX_PAYLOAD } } });
    const { child } = target;
    const raw = await openRaw(child.url);
    suite.cleanup.push(() => raw.socket.terminate());
    const body = encodeSyncBody([
      encodeMessageFrame({
        kind: MessageKind.SendSync,
        seq: 1,
        id: 1,
        channel: 'sync-hold',
        args: [new Uint8Array(SYNC_BODY_BYTES)],
      }),
    ]);
    const report = await underAttack(target, async () => {
      const requests = Array.from({ length: PARALLEL_SYNC_REQUESTS }, () =>
        startSyncRequest(child.url, raw.key, {
          contentLength: body.byteLength,
          timeoutMs: HELD_REQUEST_TIMEOUT_MS,
        }),
      );
      suite.cleanup.push(() => {
        for (const request of requests) request.abort();
      });
      await Promise.all(requests.map((request) => request.upload(body, MiB)));
      const statuses = await Promise.all(requests.map((request) => within(request.status, 5_000)));
      return statuses.map((status) =>
        status === 'timeout' ? 'no answer' : 'value' in status ? status.value : 'failed',
      );
    });
    await expectMainUnharmed(target, report);
    const statuses = report.result ?? [];
    // Main answers 409 and closes the connection without reading the rest of the body, so a client
    // still uploading may see the reset before the 409 (status 0): that is a refusal too.
    const refused = statuses.filter(
      (status) => status === CLOSED_UNREAD || (typeof status === 'number' && status >= 400 && status < 500),
    );
    expect
      .soft(
        refused.length,
        `at least 15 of the 16 are refused (HTTP 4xx or reset): ${JSON.stringify(statuses)}`,
      )
      .toBeGreaterThanOrEqual(PARALLEL_SYNC_REQUESTS - 1);
    expect.soft(statuses, 'at least one refusal was answered with 409').toContain(409);
    if (!child.exit) {
      const stats = await child.request<{ syncHold: number }>('stats');
      expect(stats.syncHold, 'sync requests main dispatched').toBeLessThanOrEqual(1);
    }
  });

  it("row 6: 64 before-open sync requests with random keys do not stop a real page's start-up sendSync", async () => {
    const target = await suite.start();
    const { child } = target;
    const browser = await launchChromium();
    suite.cleanup.push(() => browser.close());
    const page = await browser.newPage();
    const report = await underAttack(target, async () => {
      const squatters = Array.from({ length: SQUATTERS }, () =>
        startSyncRequest(child.url, createConnectionKey(), { beforeOpen: true, contentLength: 0 }),
      );
      suite.cleanup.push(() => {
        for (const squatter of squatters) squatter.abort();
      });
      for (const squatter of squatters) void squatter.upload(new Uint8Array(0), 1);
      // Let the squatters reach the server before the page starts.
      await sleep(300);
      await page.goto(`${child.url}/startup-sync.html`, { timeout: STARTUP_SYNC_WITHIN_MS });
      return page.evaluate(() => (window as unknown as { syncAnswer?: string }).syncAnswer);
    });
    await expectMainUnharmed(target, report);
    expect(report.attackError, 'the page loaded').toBeUndefined();
    expect(report.result, "the page's start-up sendSync answer").toBe('startup 1');
  });
});
