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
 *   src/api
 *   src/core      (sees transports only through src/transports/transport.ts)
 *   src/transports
 *   src/protocol                                   bottom
 *
 * Type-only imports count: a type from a higher layer is still an upward dependency.
 */

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

type Layer = 'protocol' | 'transport-interface' | 'transports' | 'core' | 'api' | 'testing' | 'entry';

/** Which layers each layer may import from (besides itself). */
const ALLOWED: Record<Layer, readonly Layer[]> = {
  protocol: ['protocol'],
  'transport-interface': ['protocol', 'transport-interface'],
  transports: ['protocol', 'transport-interface', 'transports'],
  core: ['protocol', 'transport-interface', 'core'],
  api: ['protocol', 'transport-interface', 'transports', 'core', 'api'],
  testing: ['protocol', 'transport-interface', 'transports', 'core', 'api', 'testing'],
  entry: ['protocol', 'transport-interface', 'transports', 'core', 'api', 'testing', 'entry'],
};

/** The layer of a file, from its path relative to src/ (with `/` separators). */
function layerOf(path: string): Layer | undefined {
  if (!path.includes('/')) return 'entry';
  if (path === 'transports/transport.ts') return 'transport-interface';
  const folder = path.slice(0, path.indexOf('/'));
  switch (folder) {
    case 'protocol':
    case 'transports':
    case 'core':
    case 'api':
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
      'transports/worker/main-transport.ts': "import type { Logger } from '../../core/logger.js';",
      'core/main-world.ts': "export { ipcRenderer } from '../renderer.js';",
      'api/server.ts': "const x: import('../testing.js').MemoryIpc = null!;",
      'protocol/errors.ts': "// from '../core/logger.js' in a comment is fine\nimport '../api/server.js';",
      'core/logger.ts': "import type { Logger } from '../transports/transport.js';",
    };
    expect(violations(Object.keys(sources), (file) => sources[file]!)).toEqual([
      'transports/worker/main-transport.ts (transports) imports core/logger.ts (core)',
      'core/main-world.ts (core) imports renderer.ts (entry)',
      'api/server.ts (api) imports testing.ts (entry)',
      'protocol/errors.ts (protocol) imports api/server.ts (api)',
    ]);
  });
});
