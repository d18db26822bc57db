import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

/*
 * The packed tarball, installed into small consumer projects of each module setup, type-checked with
 * the project's own TypeScript: what `import ... from 'ipc-anywhere/renderer'` and `'ipc-anywhere/main'`
 * give under `moduleResolution` bundler, node16 and nodenext, for ES module and CommonJS consumers
 * (and, in Node code, `/testing`, `/redis` and `/transport`).
 * One `npm pack` (no scripts: dist/ must be built), extracted into a temporary node_modules whose
 * other packages are links to this repository's (no network). `skipLibCheck` is off, so the package's
 * own declaration files are checked too. Each source has `@ts-expect-error` lines: an import that
 * resolved to `any` would leave them unused, and fail.
 */

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** Code of a Node process (main and a renderer) that any consumer compiles; CommonJS ones also run it. */
const NODE_SOURCE = `
import { createServer, ipcMain, typedIpcMain, type IpcMainInvokeEvent } from 'ipc-anywhere/main';
import { connect, disconnect, typedIpcRenderer, isIpcError, type NodeConnectOptions } from 'ipc-anywhere/renderer';
import type { StandardSchemaV1 } from 'ipc-anywhere/renderer';
import { redisCluster, type RedisClusterOptions } from 'ipc-anywhere/redis';
import { createMain } from 'ipc-anywhere/transport';
import { createIPCMock } from 'ipc-anywhere/testing';

interface Channels {
  add: { invoke: [a: number, b: number]; returns: number };
}

const numbers: StandardSchemaV1<unknown, [number, number]> = {
  '~standard': {
    version: 1,
    vendor: 'consumer',
    validate: (value) =>
      Array.isArray(value) && value.length === 2 && value.every((item) => typeof item === 'number')
        ? { value: value as [number, number] }
        : { issues: [{ message: 'two numbers' }] },
  },
};

async function main(): Promise<void> {
  const server = await createServer();
  typedIpcMain<Channels>(ipcMain, { validate: { add: numbers } }).handle(
    'add',
    (_event: IpcMainInvokeEvent, a, b) => a + b,
  );
  const options: NodeConnectOptions = { url: server.url };
  const renderer = typedIpcRenderer<Channels>(connect(options));
  const sum: number = await renderer.invoke('add', 2, 3);
  // @ts-expect-error: 'sub' is not a channel of Channels
  void renderer.invoke('sub', 1, 2).catch(() => undefined);
  // @ts-expect-error: Node's connect needs the server's URL
  if (sum < 0) connect({});
  // The other entry points, typed too (not called: no Redis here).
  const clusterOptions: RedisClusterOptions = { url: 'redis://127.0.0.1:1', prefix: 'consumer' };
  // @ts-expect-error: the heartbeat interval is a number of milliseconds
  if (sum < 0) redisCluster({ heartbeatInterval: '2s' });
  if (sum < 0) createMain().ipcMain.handle('x', () => redisCluster(clusterOptions));
  const mock = createIPCMock();
  mock.ipcMain.handle('twice', (_event, n: number) => 2 * n);
  // @ts-expect-error: invoke needs a channel
  if (sum < 0) void mock.ipcRenderer.invoke();
  console.log(\`sum=\${sum} coded=\${isIpcError(new Error('x'))} mock=\${await mock.ipcRenderer.invoke('twice', 4)}\`);
  disconnect();
  await server.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
`;

/** A page bundled by Vite/webpack/esbuild: no Node types at all. */
const BROWSER_SOURCE = `
import { connect, createIpcRenderer, ipcRenderer, onConnectionState, typedIpcRenderer, webFrame } from 'ipc-anywhere/renderer';
import type { BrowserConnectOptions, IpcRenderer, WebviewElement } from 'ipc-anywhere/renderer';

interface Channels {
  'note:add': { invoke: [text: string]; returns: { id: number } };
  'notes:changed': { toRenderer: [count: number] };
}

const options: BrowserConnectOptions = { invokeTimeout: 1000 };
const renderer: IpcRenderer = connect(options);
const other: IpcRenderer = createIpcRenderer({ url: 'http://127.0.0.1:8080' });
const ipc = typedIpcRenderer<Channels>(ipcRenderer);
ipc.on('notes:changed', (_event, count: number) => console.log(count, renderer === other));
// @ts-expect-error: a listener is a function (ipcRenderer's EventEmitter methods are typed, not any)
ipcRenderer.on('notes:changed', 5);
export const added: Promise<{ id: number }> = ipc.invoke('note:add', 'milk');
// @ts-expect-error: the argument must be a string
void ipc.invoke('note:add', 42);
export const stop = onConnectionState((event) => console.log(event.state));
export const zoom: number = webFrame.getZoomFactor();
export type Guest = WebviewElement;
`;

interface Consumer {
  readonly name: string;
  readonly type: 'module' | 'commonjs';
  readonly compilerOptions: Record<string, unknown>;
  readonly source: string;
  /** Emit JavaScript and run it (a round trip through a real server); print must match. */
  readonly runs?: boolean;
}

const COMMON = { target: 'ES2022', strict: true, skipLibCheck: false, lib: ['ES2022'], types: ['node'] };

const CONSUMERS: readonly Consumer[] = [
  {
    name: 'bundler-browser',
    type: 'module',
    compilerOptions: {
      module: 'ESNext',
      moduleResolution: 'bundler',
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      types: [],
    },
    source: BROWSER_SOURCE,
  },
  {
    // Node code checked with bundler resolution picks the Node variant by condition (docs/typescript.md).
    name: 'bundler-esm',
    type: 'module',
    compilerOptions: { module: 'ESNext', moduleResolution: 'bundler', customConditions: ['node'] },
    source: NODE_SOURCE,
  },
  { name: 'node16-esm', type: 'module', compilerOptions: { module: 'Node16' }, source: NODE_SOURCE },
  {
    name: 'node16-cjs',
    type: 'commonjs',
    compilerOptions: { module: 'Node16' },
    source: NODE_SOURCE,
    runs: true,
  },
  {
    name: 'nodenext-esm',
    type: 'module',
    compilerOptions: { module: 'NodeNext' },
    source: NODE_SOURCE,
    runs: true,
  },
  { name: 'nodenext-cjs', type: 'commonjs', compilerOptions: { module: 'NodeNext' }, source: NODE_SOURCE },
];

let work: string;

beforeAll(async () => {
  for (const built of ['dist/main.d.ts', 'dist/renderer.default.d.ts', 'dist/types-cjs/package.json']) {
    if (!existsSync(join(ROOT, built)))
      throw new Error(`${built} is missing: run node scripts/build.mjs first.`);
  }
  work = mkdtempSync(join(tmpdir(), 'ipc-anywhere-consumers-'));
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
    cwd: ROOT,
  });
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  const modules = join(work, 'node_modules');
  mkdirSync(modules);
  await run('tar', ['-xzf', join(work, packed!.filename), '-C', modules]);
  renameSync(join(modules, 'package'), join(modules, 'ipc-anywhere'));
  // What an install would bring: the package's dependencies, and the types a Node project has.
  for (const name of ['ws', 'events', 'bufferutil', '@types']) {
    symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  }
  for (const consumer of CONSUMERS) {
    const folder = join(work, consumer.name);
    mkdirSync(folder);
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: consumer.name, type: consumer.type }));
    const compilerOptions = {
      ...COMMON,
      ...consumer.compilerOptions,
      ...(consumer.runs ? { outDir: 'out' } : { noEmit: true }),
    };
    writeFileSync(
      join(folder, 'tsconfig.json'),
      JSON.stringify({ compilerOptions, files: ['index.ts'] }, null, 2),
    );
    writeFileSync(join(folder, 'index.ts'), consumer.source);
  }
  // Each check takes seconds (skipLibCheck is off): run them side by side, as many as there are cores.
  const queue = [...CONSUMERS];
  const worker = async (): Promise<void> => {
    for (let consumer = queue.shift(); consumer; consumer = queue.shift()) {
      const check = typeCheck(consumer);
      checks.set(consumer.name, check);
      await check.catch(() => undefined);
    }
  };
  void Promise.all(Array.from({ length: Math.max(1, Math.min(availableParallelism(), 4)) }, worker));
}, 120_000);

/** Each consumer's type check, started in `beforeAll`. */
const checks = new Map<string, Promise<void>>();

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs the project's TypeScript on a consumer; resolves with its output, rejects with it on errors. */
async function typeCheck(consumer: Consumer): Promise<void> {
  try {
    await run(process.execPath, [TSC, '-p', join(work, consumer.name)], { cwd: join(work, consumer.name) });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`tsc failed for ${consumer.name}:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

describe('the packed package in consumer projects (TypeScript 5.9)', () => {
  it('holds the CommonJS declarations and the renderer entry for neutral platforms', () => {
    const manifest = JSON.parse(
      readFileSync(join(work, 'node_modules', 'ipc-anywhere', 'package.json'), 'utf8'),
    );
    expect(manifest.exports['./renderer'].node.require.types).toBe('./dist/types-cjs/renderer.node.d.ts');
    for (const entry of ['main', 'testing', 'redis', 'transport']) {
      expect(manifest.exports[`./${entry}`].require.types).toBe(`./dist/types-cjs/${entry}.d.ts`);
    }
    const cjsFormat = JSON.parse(
      readFileSync(join(work, 'node_modules', 'ipc-anywhere', 'dist', 'types-cjs', 'package.json'), 'utf8'),
    );
    expect(cjsFormat.type).toBe('commonjs');
  });

  it.each(CONSUMERS.map((consumer) => [consumer.name, consumer] as const))(
    '%s type-checks',
    async (name) => {
      await vi.waitFor(() => expect(checks.has(name)).toBe(true), { timeout: 120_000, interval: 50 });
      await checks.get(name);
    },
    120_000,
  );

  it.each(
    CONSUMERS.filter((consumer) => consumer.runs).map((consumer) => [consumer.name, consumer] as const),
  )(
    '%s runs: a round trip through a real server',
    async (_name, consumer) => {
      const folder = join(work, consumer.name);
      await checks.get(consumer.name);
      const emitted = readFileSync(join(folder, 'out', 'index.js'), 'utf8');
      // A CommonJS consumer really requires the ES modules (Node >= 20.19 loads them).
      if (consumer.type === 'commonjs') expect(emitted).toContain('require("ipc-anywhere/main")');
      else expect(emitted).toContain("from 'ipc-anywhere/main'");
      const { stdout } = await run(process.execPath, [join(folder, 'out', 'index.js')], {
        cwd: folder,
        timeout: 30_000,
      });
      expect(stdout.trim()).toBe('sum=5 coded=false mock=8');
    },
    60_000,
  );
});
