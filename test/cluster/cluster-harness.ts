import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { lifecycleOf } from '../../src/core/renderer/ipc-renderer-impl.js';
import type { IpcRenderer } from '../../src/renderer.js';
import { createIpcRenderer, disconnect } from '../../src/renderer.node.js';
import { type Forked, forkReady } from '../hostile/forked.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Bundles main-child.ts from src/ into one ES module (packages stay external), so the children run the
 * same code as the test without a build of dist/. It lives under node_modules/.cache so that Node
 * finds the packages it imports.
 */
export async function bundleMainChild(): Promise<string> {
  const dir = join(root, 'node_modules/.cache/ipc-anywhere-cluster-test');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `main-child.${process.pid}.mjs`);
  await esbuild.build({
    entryPoints: [join(root, 'test/cluster/main-child.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

export interface MainChildOptions {
  readonly url: string;
  readonly prefix: string;
  readonly label: string;
  readonly heartbeatInterval?: number;
  readonly heartbeatTimeout?: number;
  readonly idBlockSize?: number;
  readonly static?: string;
  readonly clientScript?: string;
}

/** One main process of the cluster, driven over the fork channel. */
export class MainChild {
  private constructor(
    readonly forked: Forked,
    readonly label: string,
    readonly url: string,
    readonly nodeId: string,
  ) {}

  static async start(script: string, options: MainChildOptions): Promise<MainChild> {
    const forked = await forkReady(script, [JSON.stringify(options)]);
    return new MainChild(forked, options.label, forked.ready.url as string, forked.ready.nodeId as string);
  }

  async call<T = unknown>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<T> {
    const reply = await this.forked.request<{ ok: boolean; result?: T; error?: string }>(
      cmd,
      args,
      timeoutMs,
    );
    if (!reply.ok) throw new Error(`${this.label} failed '${cmd}': ${reply.error}\n${this.forked.stderr()}`);
    return reply.result as T;
  }

  async ids(): Promise<number[]> {
    const list = await this.call<{ id: number }[]>('list');
    return list.map((entry) => entry.id).sort((a, b) => a - b);
  }
}

/** A renderer in this process, connected to one main child, recording what it receives. */
export class TestRenderer {
  /** Every message by channel: `[senderId, ...args]`. */
  readonly received = new Map<string, unknown[][]>();

  private constructor(
    readonly ipcRenderer: IpcRenderer,
    readonly id: number,
    readonly home: MainChild,
  ) {}

  static async connect(home: MainChild, channels: readonly string[]): Promise<TestRenderer> {
    const ipcRenderer = createIpcRenderer({ url: home.url });
    const id = await new Promise<number>((resolve, reject) => {
      lifecycleOf(ipcRenderer).once('connected', resolve);
      lifecycleOf(ipcRenderer).once('closed', reject);
    });
    const renderer = new TestRenderer(ipcRenderer, id, home);
    for (const channel of channels) {
      const list: unknown[][] = [];
      renderer.received.set(channel, list);
      ipcRenderer.on(channel, (event, ...args) => list.push([event.senderId, ...args]));
    }
    return renderer;
  }

  on(channel: string): unknown[][] {
    return this.received.get(channel) ?? [];
  }

  close(): void {
    disconnect(this.ipcRenderer);
  }
}

/** Polls `check` every 50 ms until it returns true; false after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
