// Bundles the browser classic script (src/renderer.browser-script.ts) into one minified IIFE with esbuild:
// the file the server sends at /ipc-anywhere/renderer.js. Used by build.mjs and by the browser tests.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** Builds the bundle to `outfile` (atomically: tests may build in parallel). Returns its size in bytes. */
export async function buildBrowserBundle(outfile = join(root, 'dist/browser/renderer.js')) {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(root, 'src/renderer.browser-script.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'none',
    // The npm `events` package is the browser's EventEmitter (Node semantics, as in Electron renderers).
    alias: { events: dirname(require.resolve('events/package.json')) },
    write: false,
    logLevel: 'warning',
  });
  const code = result.outputFiles[0].contents;
  mkdirSync(dirname(outfile), { recursive: true });
  const temporary = `${outfile}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, code);
  renameSync(temporary, outfile);
  return { bytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength };
}
