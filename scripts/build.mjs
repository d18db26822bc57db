// Compiles src/ to dist/ (ESM + declarations). Browser bundles are added by later build steps.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(
  process.execPath,
  [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
  {
    stdio: 'inherit',
    cwd: root,
  },
);

const { writeCjsTypes } = await import('./cjs-types.mjs');
writeCjsTypes(join(root, 'dist'));

const { buildBrowserBundle } = await import('./browser-bundle.mjs');
const { bytes, gzipBytes } = await buildBrowserBundle();
console.log(`dist/browser/renderer.js: ${bytes} bytes minified, ${gzipBytes} bytes gzipped`);
