import { describe, expect, it, vi } from 'vitest';
import { freePort } from '../../scripts/redis-server.mjs';
import { createMain } from '../../src/main.js';
import { FALLBACK_IDS } from '../../src/redis/id-blocks.js';
import { redisCluster } from '../../src/redis.js';

describe('a Redis cluster that cannot reach Redis', () => {
  it('says so, is not ready, and gives renderers ids outside the counter range', async () => {
    const port = await freePort(); // nothing listens there
    const logger = { warn: vi.fn(), error: vi.fn() };
    const cluster = redisCluster({ url: `redis://app:s3cret-pw@127.0.0.1:${port}`, logger });
    const main = createMain({ cluster, logger });
    let ready = false;
    const settled = cluster.ready.then(
      () => (ready = true),
      (error: unknown) => error,
    );
    await vi.waitFor(
      () =>
        expect(logger.warn).toHaveBeenCalledWith(
          expect.objectContaining({ code: 'ERR_IPC_CLUSTER_UNAVAILABLE' }),
          expect.stringMatching(/cannot reach Redis/),
        ),
      {
        timeout: 5_000,
      },
    );
    expect(ready).toBe(false);
    expect(cluster.isUp).toBe(false);
    expect(main.webContents.getAllWebContents()).toEqual([]);
    expect(cluster.allocateId()).toBeGreaterThanOrEqual(FALLBACK_IDS);
    expect(logger.warn).toHaveBeenCalledWith(expect.anything(), expect.stringMatching(/await cluster.ready/));
    // The URL's password is never logged.
    for (const [fields, message] of logger.warn.mock.calls) {
      expect(`${message} ${JSON.stringify(fields)} ${String(fields.err)}`).not.toContain('s3cret-pw');
    }
    await cluster.close();
    // Closing gives up on connecting: ready rejects, saying so.
    expect(await settled).toMatchObject({
      code: 'ERR_IPC_CLUSTER_UNAVAILABLE',
      message: expect.stringMatching(/closed/),
    });
  });
});
