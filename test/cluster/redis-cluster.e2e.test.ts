import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  createConnectionKey,
  KEY_PROTOCOL_PREFIX,
  SUBPROTOCOL,
  SYNC_PATH,
  SyncHeader,
  SyncStatus,
  WS_PATH,
} from '../../src/transports/websocket/wire.js';
import { FIXTURES, launchChromium, testBundle } from '../transports/websocket/browser.js';
import { bundleMainChild, eventually, MainChild, TestRenderer } from './cluster-harness.js';
import { RedisServer } from './redis-server.js';

/*
 * Issue 16 end to end: a real redis-server, three main processes (child processes running
 * `createMain({ cluster: redisCluster(...) })` behind their own WebSocket server), four Node renderers
 * connected to each. The tests run in order: each one leaves the cluster as the next expects it.
 */

const PER_PROCESS = 4;
const BROADCAST = 1_000;
const CHANNELS = ['direct', 'rich', 'peer', 'bc', 'bca', 'during-outage', 'after-outage'];

let redis: RedisServer;
let browser: Browser | undefined;
let children: MainChild[] = [];
const renderers: TestRenderer[] = [];
/** What the tests measured, printed at the end (docs/scale-out.md quotes them). */
const figures: Record<string, number> = {};

const byHome = (child: MainChild) => renderers.filter((renderer) => renderer.home === child);
const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

beforeAll(async () => {
  redis = await RedisServer.start();
  const script = await bundleMainChild();
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  const clientScript = await testBundle();
  children = await Promise.all(
    ['A', 'B', 'C'].map((label) =>
      // Blocks of 4 ids: processes reserve new ones while the tests run, Redis restart included.
      MainChild.start(script, {
        url: redis.url,
        prefix,
        label,
        static: FIXTURES,
        clientScript,
        idBlockSize: 4,
      }),
    ),
  );
  for (const child of children) {
    for (let i = 0; i < PER_PROCESS; i++) renderers.push(await TestRenderer.connect(child, CHANNELS));
  }
}, 60_000);

afterAll(async () => {
  await browser?.close();
  console.info(`cluster figures: ${JSON.stringify(figures)}`);
  for (const renderer of renderers) renderer.close();
  await Promise.all(children.map((child) => child.forked.kill()));
  await redis?.stop();
});

describe('three main processes over one Redis', () => {
  it('gives every renderer a cluster-unique id and lists all twelve in every process', async () => {
    const all = sorted(renderers.map((renderer) => renderer.id));
    expect(new Set(all).size).toBe(3 * PER_PROCESS);
    for (const child of children) {
      const listed = await eventually(async () => (await child.ids()).join() === all.join(), 5_000);
      expect(listed, `${child.label} lists ${await child.ids()} instead of ${all}`).toBe(true);
    }
    // A proxy tells the same URL as the WebContents in its own process.
    const [a, b] = children as [MainChild, MainChild];
    const onA = await a.call<{ id: number; url: string }[]>('list');
    const onB = await b.call<{ id: number; url: string }[]>('list');
    expect(onA.map((entry) => [entry.id, entry.url]).sort()).toEqual(
      onB.map((entry) => [entry.id, entry.url]).sort(),
    );
    for (const entry of onA) expect(entry.url).toMatch(/^[a-z]+:/);
  });

  it('fromId(id).send reaches a renderer of another process, in order, with structured clone', async () => {
    const [a] = children as [MainChild];
    const target = byHome(children[1]!)[0]!;
    for (let i = 0; i < 100; i++) {
      expect(await a.call('send', { target: target.id, channel: 'direct', args: [i, 'x'] })).toEqual({
        found: true,
      });
    }
    expect(await a.call('sendRich', { target: target.id, channel: 'rich' })).toEqual({ found: true });
    await eventually(() => target.on('direct').length === 100 && target.on('rich').length === 1, 5_000);
    expect(target.on('direct')).toEqual(Array.from({ length: 100 }, (_, i) => [0, i, 'x']));
    const [[senderId, map, bytes, pair, error]] = target.on('rich') as [
      [number, Map<unknown, unknown>, Uint8Array, { n: number }[], Error],
    ];
    expect(senderId).toBe(0);
    expect(map).toBeInstanceOf(Map);
    expect((map.get(1) as Date).getTime()).toBe(86_400_000);
    expect(map.get('k')).toEqual(new Set([1n, -0]));
    expect(bytes).toEqual(new Uint8Array([1, 2, 3]));
    expect(pair[0]).toBe(pair[1]);
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe('boom');
  });

  it('sendTo reaches a renderer of another process with the sender id', async () => {
    const from = byHome(children[0]!)[1]!;
    const to = byHome(children[2]!)[2]!;
    for (let i = 0; i < 50; i++) from.ipcRenderer.sendTo(to.id, 'peer', i);
    expect(await eventually(() => to.on('peer').length === 50, 5_000)).toBe(true);
    expect(to.on('peer')).toEqual(Array.from({ length: 50 }, (_, i) => [from.id, i]));
  });

  it('joins a Chromium page of one process to the renderers of the others', async () => {
    const [a, b, c] = children as [MainChild, MainChild, MainChild];
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${a.url}/page.html?cluster`);
    const { id, label } = await page.evaluate(async () => {
      const ipc = (window as unknown as { ipcRenderer: import('../../src/renderer.js').IpcRenderer })
        .ipcRenderer;
      const got: unknown[][] = [];
      (window as unknown as { got: unknown[][] }).got = got;
      ipc.on('direct', (event, ...args) => got.push([event.senderId, ...args]));
      return (await ipc.invoke('whoami')) as { id: number; label: string };
    });
    expect(label).toBe('A');
    for (const child of [b, c]) {
      expect(await eventually(async () => (await child.ids()).includes(id), 5_000), child.label).toBe(true);
    }
    expect(
      await b.call('send', { target: id, channel: 'direct', args: ['from B', new Array(3).fill(7)] }),
    ).toEqual({
      found: true,
    });
    const peer = byHome(c)[3]!;
    const answers = await page.evaluate(async (peerId) => {
      const ipc = (window as unknown as { ipcRenderer: import('../../src/renderer.js').IpcRenderer })
        .ipcRenderer;
      ipc.sendTo(peerId, 'peer', 'from the page');
      const got = (window as unknown as { got: unknown[][] }).got;
      const deadline = Date.now() + 5_000;
      while (got.length === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      // sendSync is answered by the process the page is connected to.
      return { got, sync: ipc.sendSync('label') };
    }, peer.id);
    expect(answers).toEqual({ got: [[0, 'from B', [7, 7, 7]]], sync: 'A' });
    expect(await eventually(() => peer.on('peer').length === 1, 5_000)).toBe(true);
    expect(peer.on('peer')).toEqual([[id, 'from the page']]);
    // executeJavaScript from another process runs in the page and comes back cloned.
    expect(
      await c.call('exec', { target: id, code: 'Promise.resolve([document.title, new Map([[1, 2]]).size])' }),
    ).toEqual({
      found: true,
      ok: true,
      value: ['ipc-anywhere test page', 1],
    });
    expect(await b.call('exec', { target: id, code: 'throw new TypeError("nope")' })).toMatchObject({
      found: true,
      ok: false,
      message: 'TypeError: nope',
    });
    await page.close();
    for (const child of [b, c]) {
      expect(await eventually(async () => !(await child.ids()).includes(id), 5_000), child.label).toBe(true);
    }
  }, 30_000);

  it("refuses a sync request that lands on a process other than its socket's with 403 (docs/scale-out.md)", async () => {
    const [a, b] = children as [MainChild, MainChild];
    const key = createConnectionKey();
    const socket = new WebSocket(`${a.url.replace(/^http/, 'ws')}${WS_PATH}`, [
      SUBPROTOCOL,
      KEY_PROTOCOL_PREFIX + key,
    ]);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const post = (url: string) =>
      fetch(`${url}${SYNC_PATH}`, {
        method: 'POST',
        headers: { [SyncHeader.key]: key, 'content-type': 'application/octet-stream' },
        body: new Uint8Array(0),
      });
    const elsewhere = await post(b.url);
    expect(elsewhere.status).toBe(SyncStatus.forbidden);
    expect(await elsewhere.text()).toMatch(/unknown connection key/);
    // The process that holds the socket knows the key (this empty body is then refused as malformed).
    expect((await post(a.url)).status).toBe(SyncStatus.badRequest);
    socket.close();
    // That malformed request closed the connection: the cluster is back to its twelve renderers.
    expect(await eventually(async () => (await a.ids()).length === 3 * PER_PROCESS, 5_000)).toBe(true);
  });

  /** Every process broadcasts `count` messages on `channel` with `command`; each renderer gets all, once, in order. */
  async function expectBroadcastsFromEveryProcess(command: string, channel: string, count: number) {
    const results = await Promise.all(
      children.map((child) => child.call<{ targets: number }>(command, { channel, count }, 30_000)),
    );
    for (const result of results) expect(result.targets).toBe(3 * PER_PROCESS);
    const expected = 3 * count;
    const complete = await eventually(
      () => renderers.every((renderer) => renderer.on(channel).length >= expected),
      20_000,
    );
    expect(complete, renderers.map((r) => `${r.id}: ${r.on(channel).length}`).join(', ')).toBe(true);
    // Nothing more trickles in (no duplicates).
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const renderer of renderers) {
      const messages = renderer.on(channel);
      expect(messages.length).toBe(expected);
      for (const child of children) {
        const sequence = messages.filter(([, label]) => label === child.label).map(([, , i]) => i);
        expect(sequence).toEqual(Array.from({ length: count }, (_, i) => i));
      }
    }
  }

  it('1,000-message broadcasts from every process arrive exactly once, in order', async () => {
    await expectBroadcastsFromEveryProcess('broadcast', 'bc', BROADCAST);
  }, 60_000);

  it('main.broadcast from every process reaches every renderer once, in order', async () => {
    await expectBroadcastsFromEveryProcess('broadcastApi', 'bca', 100);
  }, 60_000);

  it('reports a Redis outage, drops cross-process sends with a code, keeps local ones, and recovers', async () => {
    const [a, b] = children as [MainChild, MainChild];
    const remote = byHome(b)[0]!;
    const local = byHome(a)[0]!;
    expect(await a.call('watch', { target: remote.id })).toEqual({ found: true });
    const killedAt = Date.now();
    await redis.kill();
    const downSeen = await eventually(
      async () => (await a.call<{ type: string }[]>('events')).some((event) => event.type === 'down'),
      5_000,
    );
    expect(downSeen).toBe(true);
    const down = (await a.call<{ type: string; at: number }[]>('events')).find(
      (event) => event.type === 'down',
    )!;
    figures.outageReportedMs = down.at - killedAt;
    const watched = await a.call<{ dropped: string[] }>('sendWatched', {
      target: remote.id,
      channel: 'during-outage',
      args: [1],
    });
    expect(watched.dropped).toEqual(['ERR_IPC_CLUSTER_UNAVAILABLE']);
    await a.call('send', { target: local.id, channel: 'during-outage', args: [2] });
    expect(await eventually(() => local.on('during-outage').length === 1, 5_000)).toBe(true);
    expect((await a.call<string[]>('log')).join('\n')).toMatch(/ERR_IPC_CLUSTER_UNAVAILABLE/);
    // A renderer that connects during the outage: B cannot announce it until Redis is back.
    const latecomer = await TestRenderer.connect(b, CHANNELS);
    renderers.push(latecomer);

    await redis.restart();
    const restartedAt = Date.now();
    for (const child of children) {
      const up = await eventually(async () => (await child.call<boolean>('isUp')) === true, 10_000);
      expect(up, `${child.label} reconnected`).toBe(true);
    }
    const all = sorted(renderers.map((renderer) => renderer.id));
    for (const child of children) {
      expect(await eventually(async () => (await child.ids()).join() === all.join(), 10_000)).toBe(true);
    }
    // The proxy held through the outage was never destroyed: its renderer was there all along.
    expect((await a.call<{ destroyed: boolean }>('watched', { target: remote.id })).destroyed).toBe(false);
    expect(await a.call('send', { target: remote.id, channel: 'after-outage', args: ['back'] })).toEqual({
      found: true,
    });
    expect(await eventually(() => remote.on('after-outage').length === 1, 5_000)).toBe(true);
    figures.recoveredMs = Date.now() - restartedAt;
    expect(remote.on('during-outage')).toEqual([]);
    expect(await a.call('send', { target: latecomer.id, channel: 'after-outage', args: ['hi'] })).toEqual({
      found: true,
    });
    expect(await eventually(() => latecomer.on('after-outage').length === 1, 5_000)).toBe(true);
    // The restarted Redis lost the id counter (nothing is saved): new blocks still start above every id in use.
    for (let i = 0; i < 6; i++) renderers.push(await TestRenderer.connect(children[2]!, CHANNELS));
    const ids = renderers.map((renderer) => renderer.id);
    expect(new Set(ids).size, `ids ${ids}`).toBe(ids.length);
    const everyone = sorted(ids);
    for (const child of children) {
      expect(await eventually(async () => (await child.ids()).join() === everyone.join(), 10_000)).toBe(true);
    }
  }, 40_000);

  it("drops a killed process's renderers from every list within 15 s; calls to them reject ERR_IPC_CLOSED", async () => {
    const [a, b, c] = children as [MainChild, MainChild, MainChild];
    const doomed = byHome(c).map((renderer) => renderer.id);
    expect(await a.call('watch', { target: doomed[0] })).toEqual({ found: true });
    // A page of C, and a call to it that is still waiting when C dies.
    const pageOnC = await browser!.newPage();
    await pageOnC.goto(`${c.url}/page.html?cluster-c`);
    const pageOnCId = await pageOnC.evaluate(async () => {
      const ipc = (window as unknown as { ipcRenderer: import('../../src/renderer.js').IpcRenderer })
        .ipcRenderer;
      return ((await ipc.invoke('whoami')) as { id: number }).id;
    });
    expect(await eventually(async () => (await a.ids()).includes(pageOnCId), 5_000)).toBe(true);
    const hanging = a.call('exec', { target: pageOnCId, code: 'new Promise(() => {})' }, 20_000);
    const killedAt = Date.now();
    await c.forked.kill();
    const survivors = sorted(
      renderers.filter((renderer) => renderer.home !== c).map((renderer) => renderer.id),
    );
    for (const child of [a, b]) {
      const gone = await eventually(async () => (await child.ids()).join() === survivors.join(), 15_000);
      expect(gone, `${child.label} still lists ${await child.ids()}`).toBe(true);
    }
    const goneAfter = Date.now() - killedAt;
    figures.killedProcessGoneMs = goneAfter;
    expect(goneAfter).toBeLessThan(15_000);
    const watched = await a.call<{ destroyed: boolean; destroyedAt: number }>('watched', {
      target: doomed[0],
    });
    expect(watched.destroyed).toBe(true);
    expect(watched.destroyedAt - killedAt).toBeLessThan(15_000);
    expect(await a.call('execWatched', { target: doomed[0] })).toEqual({
      found: true,
      ok: false,
      code: 'ERR_IPC_CLOSED',
    });
    // A call that was waiting for the dead process's page rejects too.
    expect(await hanging).toMatchObject({ found: true, ok: false, code: 'ERR_IPC_CLOSED' });
    await pageOnC.close();
    expect(await a.call('send', { target: doomed[1], channel: 'direct', args: [] })).toEqual({
      found: false,
    });
    expect((await a.call<{ type: string }[]>('events')).map((event) => event.type)).toContain(
      'node-gone:expired',
    );
    for (const renderer of byHome(c)) renderer.close();
  }, 30_000);

  it("drops a process's renderers at once when it leaves the cluster cleanly", async () => {
    const [a, b] = children as [MainChild, MainChild];
    const leftAt = Date.now();
    await b.call('leave');
    const own = sorted(byHome(a).map((renderer) => renderer.id));
    expect(await eventually(async () => (await a.ids()).join() === own.join(), 2_000)).toBe(true);
    figures.cleanLeaveMs = Date.now() - leftAt;
    expect((await a.call<{ type: string }[]>('events')).map((event) => event.type)).toContain(
      'node-gone:bye',
    );
    // B's own renderers are still served by B.
    expect(
      await b.call('send', { target: byHome(b)[0]!.id, channel: 'direct', args: ['still here'] }),
    ).toEqual({
      found: true,
    });
  });
});
