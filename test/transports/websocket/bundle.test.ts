import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { testBundle } from './browser.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const NODE_ONLY = [
  /\brequire\(/,
  /["']ws["']/,
  /worker_threads/,
  /["']node:/,
  /\bprocess\.(env|versions|argv)/,
];

describe('browser bundle', () => {
  it('the classic script contains no Node-only code and stays small', async () => {
    const code = readFileSync(await testBundle(), 'utf8');
    for (const pattern of NODE_ONLY)
      expect([pattern.source, pattern.test(code)]).toEqual([pattern.source, false]);
    const gzipped = gzipSync(code, { level: 9 }).byteLength;
    // 24 KiB until resume (issue 13: reconnection, replay buffer, connection states) added 2.4 KiB;
    // 28 KiB until issue 14 added 2.6 KiB: contextBridge with Electron's copy rules, webFrame, webUtils,
    // the preload `process`, the preload runner and its `require`, and the toolkit's window.electron;
    // 32 KiB until the page lifecycle (load events, executeJavaScript, console reports) added 1.6 KiB;
    // 34 KiB until MessagePorts (issue 15: ipcRenderer.postMessage, event.ports, virtual ports over
    // the socket, six message kinds) added 1.9 KiB.
    // 36 KiB until large payloads (issue 19: chunk streams, reassembly, onProgress) added 1.05 KiB;
    // 37 KiB until spans (protocol 3: large ArrayBuffers reassembled in place, checked) added 0.75 KiB;
    // 38.5 KiB until one acknowledgement timer per realm and reused replay arrays added 0.45 KiB.
    expect(gzipped).toBeLessThan(39 * 1024);
  });

  it('the ESM browser entry pulls in no Node module (ws, worker_threads, node:*)', async () => {
    const result = await esbuild.build({
      entryPoints: [join(root, 'src/renderer.browser.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(
      inputs.filter((input) => /node_modules\/(ws|bufferutil)\/|worker_threads|^node:/.test(input)),
    ).toEqual([]);
    expect(inputs.some((input) => input.includes('node_modules/events/'))).toBe(true);
    const code = result.outputFiles[0]!.text;
    for (const pattern of NODE_ONLY)
      expect([pattern.source, pattern.test(code)]).toEqual([pattern.source, false]);
  });
});
