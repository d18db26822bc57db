import { describe, expect, it, vi } from 'vitest';
import type { WebContents } from '../../src/main.js';
import { createMain, MessageChannelMain } from '../../src/main.js';
import { IpcErrorCode } from '../../src/protocol/errors.js';
import { createMemoryIpc } from '../../src/testing.js';
import { MemoryHub } from './memory-cluster.js';

/*
 * The core's side of a cluster (core/main/cluster-remotes.ts and main-world.ts), over an in-memory
 * hub: what `getAllWebContents`, `fromId`, proxies and `sendTo` do when renderers live in several main
 * processes. The Redis transport of the same contract is tested end to end in redis-cluster.e2e.test.ts.
 */

const quiet = () => ({ warn: vi.fn(), error: vi.fn() });
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function twoProcesses(options: { allowSendTo?: (sender: WebContents, target: WebContents) => boolean } = {}) {
  const hub = new MemoryHub();
  const clusterA = hub.cluster('A');
  const clusterB = hub.cluster('B');
  const loggerA = quiet();
  const a = createMemoryIpc({ cluster: clusterA, logger: loggerA, ...options });
  const b = createMemoryIpc({ cluster: clusterB, logger: quiet(), ...options });
  return { hub, clusterA, clusterB, a, b, loggerA };
}

describe('a main world in a cluster', () => {
  it('lists and finds the renderers of every process, with ids unique across them', () => {
    const { a, b } = twoProcesses();
    const a1 = a.createRenderer({ url: 'https://app.test/a1' });
    const b1 = b.createRenderer({ url: 'https://app.test/b1' });
    const b2 = b.createRenderer();
    const ids = [a1, b1, b2].map((r) => r.webContents.id);
    expect(new Set(ids).size).toBe(3);
    for (const side of [a, b]) {
      expect(
        side.webContents
          .getAllWebContents()
          .map((contents) => contents.id)
          .sort(),
      ).toEqual([...ids].sort());
    }
    const proxy = a.webContents.fromId(b1.webContents.id)!;
    expect(proxy).not.toBe(b1.webContents);
    expect(proxy.id).toBe(b1.webContents.id);
    expect(proxy.getURL()).toBe('https://app.test/b1');
    expect(proxy.getType()).toBe('window');
    expect(proxy.isDestroyed()).toBe(false);
  });

  it('sends through a proxy in order, with structured clone', async () => {
    const { a, b } = twoProcesses();
    const target = b.createRenderer();
    const got: unknown[][] = [];
    target.ipcRenderer.on('m', (event, ...args) => got.push([event.senderId, ...args]));
    const proxy = a.webContents.fromId(target.webContents.id)!;
    const value = { when: new Date(5), list: [1n, new Map([[1, 2]])] };
    for (let i = 0; i < 20; i++) proxy.send('m', i, value);
    value.when = new Date(6);
    const expected = Array.from({ length: 20 }, (_, i) => [
      0,
      i,
      { when: new Date(5), list: [1n, new Map([[1, 2]])] },
    ]);
    await vi.waitFor(() => expect(got).toEqual(expected));
  });

  it('throws what a local send throws for values that cannot be cloned', () => {
    const { a, b } = twoProcesses();
    const target = b.createRenderer();
    const proxy = a.webContents.fromId(target.webContents.id)!;
    expect(() => proxy.send('m', () => {})).toThrow(
      expect.objectContaining({ code: IpcErrorCode.NotCloneable }),
    );
  });

  it('relays sendTo to a renderer of another process with the sender id, under allowSendTo', async () => {
    const allowSendTo = vi.fn(
      (_sender: WebContents, target: WebContents) => target.getURL() !== 'memory://locked',
    );
    const { a, b } = twoProcesses({ allowSendTo });
    const from = a.createRenderer();
    const to = b.createRenderer();
    const locked = b.createRenderer({ url: 'memory://locked' });
    const got: unknown[][] = [];
    to.ipcRenderer.on('peer', (event, ...args) => got.push([event.senderId, ...args]));
    const refused: unknown[] = [];
    locked.ipcRenderer.on('peer', (_event, ...args) => refused.push(args));
    from.ipcRenderer.sendTo(to.webContents.id, 'peer', 'hi', 1);
    from.ipcRenderer.sendTo(locked.webContents.id, 'peer', 'no');
    await vi.waitFor(() => expect(got).toEqual([[from.webContents.id, 'hi', 1]]));
    await flush();
    expect(refused).toEqual([]);
    // The check runs in the sender's process, with the target's proxy.
    expect(allowSendTo.mock.calls.map(([sender, target]) => [sender.id, target.id])).toEqual([
      [from.webContents.id, to.webContents.id],
      [from.webContents.id, locked.webContents.id],
    ]);
  });

  it("follows renderers that leave, and destroys a dead process's proxies", () => {
    const { a, b, clusterB } = twoProcesses();
    const b1 = b.createRenderer();
    const b2 = b.createRenderer();
    const proxy1 = a.webContents.fromId(b1.webContents.id)!;
    const proxy2 = a.webContents.fromId(b2.webContents.id)!;
    const destroyed: number[] = [];
    proxy1.once('destroyed', () => destroyed.push(proxy1.id));
    proxy2.once('destroyed', () => {
      // Off the lists before 'destroyed' listeners run, as for local renderers.
      expect(a.webContents.fromId(proxy2.id)).toBeUndefined();
      destroyed.push(proxy2.id);
    });
    b1.webContents.close();
    expect(destroyed).toEqual([proxy1.id]);
    expect(proxy1.isDestroyed()).toBe(true);
    clusterB.die();
    expect(destroyed).toEqual([proxy1.id, proxy2.id]);
    expect(a.webContents.getAllWebContents()).toEqual([]);
    expect(() => proxy2.send('m', 1)).not.toThrow();
  });

  it('rejects calls on a proxy whose process is gone with ERR_IPC_CLOSED', async () => {
    const { a, b, clusterB } = twoProcesses();
    const proxy = a.webContents.fromId(b.createRenderer().webContents.id)!;
    clusterB.die();
    await expect(proxy.executeJavaScript('1')).rejects.toMatchObject({ code: IpcErrorCode.Closed });
  });

  it('drops sends with ERR_IPC_CLUSTER_UNAVAILABLE while the cluster is down; local ones go on', async () => {
    const { a, b, clusterA, loggerA } = twoProcesses();
    const remote = b.createRenderer();
    const local = a.createRenderer();
    const gotRemote: unknown[] = [];
    const gotLocal: unknown[] = [];
    remote.ipcRenderer.on('m', (_event, i) => gotRemote.push(i));
    local.ipcRenderer.on('m', (_event, i) => gotLocal.push(i));
    const proxy = a.webContents.fromId(remote.webContents.id)!;
    const dropped: unknown[] = [];
    proxy.on('ipc-message-dropped', (error, channel) => dropped.push([error.code, channel]));
    clusterA.up = false;
    for (const contents of a.webContents.getAllWebContents()) contents.send('m', 1);
    for (const contents of a.webContents.getAllWebContents()) contents.send('m', 2);
    await flush();
    expect(gotLocal).toEqual([1, 2]);
    expect(gotRemote).toEqual([]);
    expect(dropped).toEqual([
      [IpcErrorCode.ClusterUnavailable, 'm'],
      [IpcErrorCode.ClusterUnavailable, 'm'],
    ]);
    // One log line for a burst of drops.
    expect(loggerA.warn).toHaveBeenCalledTimes(1);
    expect(String(loggerA.warn.mock.calls[0]![1])).toContain(IpcErrorCode.ClusterUnavailable);
    expect(loggerA.warn.mock.calls[0]![0]).toMatchObject({ code: IpcErrorCode.ClusterUnavailable });
    clusterA.up = true;
    proxy.send('m', 3);
    await flush();
    expect(gotRemote).toEqual([3]);
  });

  it('runs executeJavaScript through the process of the page, and rejects ERR_IPC_CLOSED when it dies', async () => {
    const { a, b, clusterB } = twoProcesses();
    const page = b.createRenderer({ url: 'https://app.test/page' });
    const seen: unknown[] = [];
    const { webContents } = page;
    // The in-memory renderer runs no page script: stand in for its executeJavaScript.
    const pending: ((value: unknown) => void)[] = [];
    webContents.executeJavaScript = (code: string) => {
      seen.push(code);
      return code === 'hang' ? new Promise(() => {}) : new Promise((resolve) => pending.push(resolve));
    };
    const proxy = a.webContents.fromId(webContents.id)!;
    const answer = proxy.executeJavaScript('6 * 7');
    await vi.waitFor(() => expect(pending).toHaveLength(1));
    pending[0]!(42);
    await expect(answer).resolves.toBe(42);
    const hanging = proxy.executeJavaScript('hang');
    await vi.waitFor(() => expect(seen).toEqual(['6 * 7', 'hang']));
    clusterB.die();
    await expect(hanging).rejects.toMatchObject({ code: IpcErrorCode.Closed });
  });

  it('closes a remote renderer through its process', () => {
    const { a, b, clusterA } = twoProcesses();
    const remote = b.createRenderer();
    const proxy = a.webContents.fromId(remote.webContents.id)!;
    proxy.close();
    expect(clusterA.closeRequests).toEqual([remote.webContents.id]);
    expect(remote.webContents.isDestroyed()).toBe(true);
    expect(proxy.isDestroyed()).toBe(true);
  });

  it('delivers a postMessage without ports to a renderer of another process, and refuses ports', async () => {
    const { a, b } = twoProcesses();
    const remote = b.createRenderer();
    const proxy = a.webContents.fromId(remote.webContents.id)!;
    const got: unknown[] = [];
    remote.ipcRenderer.on('pm', (event, message) => got.push([message, event.ports.length]));
    proxy.postMessage('pm', { x: 1 });
    await vi.waitFor(() => expect(got).toEqual([[{ x: 1 }, 0]]));
    const { port1 } = new MessageChannelMain();
    expect(() => proxy.postMessage('pm', 'with a port', [port1])).toThrow(
      expect.objectContaining({
        code: IpcErrorCode.InvalidArgument,
        message: expect.stringMatching(/another main process/),
      }),
    );
  });

  it('refuses a cluster option that is no cluster', () => {
    expect(() => createMain({ cluster: {} as never })).toThrow(
      expect.objectContaining({ code: IpcErrorCode.InvalidArgument }),
    );
    expect(() => createMain({ cluster: 'redis://x' as never })).toThrow(/redisCluster/);
  });
});
