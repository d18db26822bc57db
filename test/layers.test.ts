import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/*
 * STYLE.md point 1: the folders are the layer diagram, and imports point down only.
 *
 *   entry files (src/*.ts)                         top
 *   src/testing   (behind src/testing.ts)
 *   src/api       src/redis (behind src/redis.ts; neither imports the other)
 *   src/core      main/ and renderer/ (never each other), both over shared/
 *                 (sees transports only through src/transports/transport.ts)
 *   src/transports
 *   src/protocol                                   bottom
 *
 * STYLE.md point 15: a file's folder says which process it runs in. src/core/main runs in main,
 * src/core/renderer in a renderer, src/core/shared in both (and so imports neither).
 *
 * Type-only imports count: a type from a higher layer is still an upward dependency, and a type-only
 * cycle still means that neither file can be read without the other.
 */

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

type Layer =
  | 'protocol'
  | 'transport-interface'
  | 'transports'
  | 'core/shared'
  | 'core/main'
  | 'core/renderer'
  | 'api'
  | 'redis'
  | 'testing'
  | 'entry';

const BELOW_CORE = ['protocol', 'transport-interface'] as const;
const CORE = ['core/shared', 'core/main', 'core/renderer'] as const;

/** Which layers each layer may import from (besides itself). */
const ALLOWED: Record<Layer, readonly Layer[]> = {
  protocol: ['protocol'],
  'transport-interface': ['protocol', 'transport-interface'],
  transports: ['protocol', 'transport-interface', 'transports'],
  'core/shared': [...BELOW_CORE, 'core/shared'],
  'core/main': [...BELOW_CORE, 'core/shared', 'core/main'],
  'core/renderer': [...BELOW_CORE, 'core/shared', 'core/renderer'],
  api: [...BELOW_CORE, 'transports', ...CORE, 'api'],
  // Beside the API: implements core/main/cluster-link.ts's Cluster; only the entry file imports it.
  redis: [...BELOW_CORE, 'core/shared', 'core/main', 'redis'],
  testing: [...BELOW_CORE, 'transports', ...CORE, 'api', 'testing'],
  entry: [...BELOW_CORE, 'transports', ...CORE, 'api', 'redis', 'testing', 'entry'],
};

/** The layer of a file, from its path relative to src/ (with `/` separators). */
function layerOf(path: string): Layer | undefined {
  if (!path.includes('/')) return 'entry';
  if (path === 'transports/transport.ts') return 'transport-interface';
  const folder = path.slice(0, path.indexOf('/'));
  if (folder === 'core') {
    // core/<role>/file.ts; a file directly in core/ has no role and so no layer.
    const role = path.split('/')[1];
    return (CORE as readonly string[]).includes(`core/${role}`) && path.split('/').length === 3
      ? (`core/${role}` as Layer)
      : undefined;
  }
  switch (folder) {
    case 'protocol':
    case 'transports':
    case 'api':
    case 'redis':
    case 'testing':
      return folder;
    default:
      return undefined;
  }
}

/** Every .ts file under `dir`, relative to src/ with `/` separators. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => name.split(sep).join('/'))
    .sort();
}

/**
 * The module specifiers a source imports: `import ... from`, `import type`, `export ... from`,
 * side-effect `import '...'`, and `import('...')` (calls and type positions). Comments are skipped.
 */
function specifiersOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((file) => file.fileName);
}

/** The src-relative path a relative specifier points at (`.js` is the compiled name of a `.ts`). */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  const base = resolve(SRC, dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
  const found = candidates.find((candidate) => existsSync(candidate) && candidate.endsWith('.ts'));
  return found === undefined ? undefined : relative(SRC, found).split(sep).join('/');
}

/** Every import in `files` that breaks the layer rules, one readable line each. */
function violations(files: readonly string[], read: (file: string) => string): string[] {
  const found: string[] = [];
  for (const file of files) {
    const layer = layerOf(file);
    if (!layer) {
      found.push(`${file}: not in any layer (add its folder to test/layers.test.ts)`);
      continue;
    }
    for (const specifier of specifiersOf(read(file))) {
      if (!specifier.startsWith('.')) continue;
      const target = resolveSpecifier(file, specifier);
      if (target === undefined) {
        found.push(`${file}: imports '${specifier}', which does not resolve to a file under src/`);
        continue;
      }
      const targetLayer = layerOf(target);
      if (!targetLayer || !ALLOWED[layer].includes(targetLayer)) {
        found.push(`${file} (${layer}) imports ${target} (${targetLayer ?? 'outside src'})`);
      }
    }
  }
  return found;
}

/** The src files each file imports (relative specifiers that resolve under src/). */
function importGraph(files: readonly string[], read: (file: string) => string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = specifiersOf(read(file))
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolveSpecifier(file, specifier))
      .filter((target): target is string => target !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/**
 * Every import cycle, one line per strongly connected group of files (Tarjan's algorithm), shown as
 * one concrete loop through the group: `a.ts -> b.ts -> a.ts`.
 */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    if (group.length > 1 || graph.get(file)?.includes(file)) groups.push(group.sort());
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file);
  return groups.map((group) => loopThrough(graph, new Set(group), group[0]!).join(' -> '));
}

/** A shortest path from `start` back to itself inside `group` (breadth first). */
function loopThrough(
  graph: ReadonlyMap<string, readonly string[]>,
  group: Set<string>,
  start: string,
): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const target of graph.get(file) ?? []) {
      if (!group.has(target)) continue;
      if (target === start) {
        const path = [start];
        for (let at = file; at !== start; at = cameFrom.get(at)!) path.unshift(at);
        path.unshift(start);
        return path;
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, file);
        queue.push(target);
      }
    }
  }
  return [start];
}

describe('layers (STYLE.md 1: imports point down only)', () => {
  const files = sourceFiles(SRC);

  it('finds the source files of every layer', () => {
    const layers = new Set(files.map(layerOf));
    for (const layer of Object.keys(ALLOWED)) expect(layers, layer).toContain(layer);
  });

  it('no file under src/ imports from a layer above its own', () => {
    const found = violations(files, (file) => readFileSync(join(SRC, file), 'utf8'));
    expect(found, `Upward imports:\n  ${found.join('\n  ')}\n`).toEqual([]);
  });

  it('catches upward imports, type-only and dynamic ones included', () => {
    const sources: Record<string, string> = {
      'transports/worker/main-transport.ts': "import type { Logger } from '../../core/main/logger.js';",
      'core/main/main-world.ts': "export { ipcRenderer } from '../../renderer.js';",
      'api/server.ts': "const x: import('../testing.js').MemoryIpc = null!;",
      'protocol/errors.ts':
        "// from '../core/main/logger.js' in a comment is fine\nimport '../api/server.js';",
      'core/main/logger.ts': "import type { Logger } from '../../transports/transport.js';",
    };
    expect(violations(Object.keys(sources), (file) => sources[file]!)).toEqual([
      'transports/worker/main-transport.ts (transports) imports core/main/logger.ts (core/main)',
      'core/main/main-world.ts (core/main) imports renderer.ts (entry)',
      'api/server.ts (api) imports testing.ts (entry)',
      'protocol/errors.ts (protocol) imports api/server.ts (api)',
    ]);
  });

  it('catches imports between core/main and core/renderer, and from core/shared into either', () => {
    const sources: Record<string, string> = {
      'core/main/main-session.ts': "import type { Outgoing } from '../renderer/renderer-session.js';",
      'core/renderer/renderer-session.ts': "import { createInvokeEvent } from '../main/main-events.js';",
      'core/shared/outbox.ts': "import type { RendererSession } from '../renderer/renderer-session.js';",
      'core/main/dispatch.ts': "import { noHandlerMessage } from '../shared/electron-texts.js';",
      'core/renderer/ipc-renderer-impl.ts': "import { assertRendererChannel } from '../shared/channel.js';",
    };
    expect(violations(Object.keys(sources), (file) => sources[file]!)).toEqual([
      'core/main/main-session.ts (core/main) imports core/renderer/renderer-session.ts (core/renderer)',
      'core/renderer/renderer-session.ts (core/renderer) imports core/main/main-events.ts (core/main)',
      'core/shared/outbox.ts (core/shared) imports core/renderer/renderer-session.ts (core/renderer)',
    ]);
  });

  it('puts every core file in a role folder', () => {
    expect(violations(['core/outbox.ts'], () => '')).toEqual([
      'core/outbox.ts: not in any layer (add its folder to test/layers.test.ts)',
    ]);
  });
});

/**
 * Cycles that exist and are being removed. Equality is exact: once one is gone this test fails until
 * its line is deleted here, so the list only shrinks.
 */
const KNOWN_CYCLES: readonly string[] = [];

describe('import cycles (type-only imports count)', () => {
  it('no group of files under src/ imports itself, directly or through others', () => {
    const files = sourceFiles(SRC);
    const found = cycles(importGraph(files, (file) => readFileSync(join(SRC, file), 'utf8')));
    expect(found, `Import cycles:\n  ${found.join('\n  ')}\n`).toEqual(KNOWN_CYCLES);
  });

  it('reports each cycle once, as a loop through its files', () => {
    const sources: Record<string, string> = {
      'core/main/dispatch.ts': "import type { MainWorld } from './main-world.js';",
      'core/main/main-world.ts': "import { MainSession } from './main-session.js';",
      'core/main/main-session.ts': "import { dispatchSend } from './dispatch.js';",
      'core/main/logger.ts': "import type { Logger } from './logger.js';",
      'core/shared/channel.ts': "import { MISSING_CHANNEL_MESSAGE } from './electron-texts.js';",
      'core/shared/electron-texts.ts': '',
    };
    expect(cycles(importGraph(Object.keys(sources), (file) => sources[file]!))).toEqual([
      'core/main/dispatch.ts -> core/main/main-world.ts -> core/main/main-session.ts -> core/main/dispatch.ts',
      'core/main/logger.ts -> core/main/logger.ts',
    ]);
  });
});
