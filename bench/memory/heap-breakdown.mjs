#!/usr/bin/env node
// Where main's idle memory per connected client goes, by constructor: heap snapshots of the
// `node-memory` server after the warm-up clients and after the measured ones, diffed and divided by
// the client count. `node --expose-gc bench/memory/heap-breakdown.mjs [clients] [--raw]` (needs
// `npm run build`); `--raw` measures the raw `ws` baseline's server instead, for the difference. DETAIL=1 names
// plain objects by their properties and strings by their start.
import { fork } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { openRawWs, startIpcAnywhere, startRawWs } from '../suite/echo-servers.mjs';

const [, , roleArg, urlArg, countArg] = process.argv;

const raw = process.argv.includes('--raw');

if (roleArg === 'client') {
  const { createIpcRenderer } = await import('ipc-anywhere/renderer');
  const count = Number(countArg);
  const clients = [];
  const open = () => {
    if (raw) return openRawWs(urlArg).then(({ socket, call }) => call('rt', 0, 'hello').then(() => socket));
    const renderer = createIpcRenderer({ url: urlArg });
    return renderer.invoke('rt', 0, 'hello').then(() => renderer);
  };
  const connect = async (n) => {
    for (let i = 0; i < n; i += 50) {
      const batch = [];
      for (let j = i; j < Math.min(n, i + 50); j++) batch.push(open());
      clients.push(...(await Promise.all(batch)));
    }
  };
  process.on('message', async (what) => {
    await connect(what === 'warm' ? 100 : count);
    process.send('ready');
  });
  process.send('started');
} else {
  const clients = Number(roleArg && roleArg !== '--raw' ? roleArg : 1000);
  const server = raw ? await startRawWs() : await startIpcAnywhere();
  const args = ['client', server.url, String(clients)];
  if (raw) args.push('--raw');
  const child = fork(new URL(import.meta.url).pathname, args);
  const next = () => new Promise((resolve) => child.once('message', resolve));
  await next();
  const snapshot = async (name) => {
    // As the bench: connections settle first (a renderer acknowledges what it got within 200 ms).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (let i = 0; i < 4; i++) {
      globalThis.gc?.();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const file = join(tmpdir(), `heap-breakdown-${process.pid}-${name}.heapsnapshot`);
    writeHeapSnapshot(file);
    const totals = byConstructor(JSON.parse(readFileSync(file, 'utf8')));
    if (!process.env.KEEP) rmSync(file);
    else console.log(`kept ${file}`);
    return totals;
  };
  child.send('warm');
  await next();
  const before = await snapshot('before');
  child.send('measure');
  await next();
  const after = await snapshot('after');
  const rows = [];
  for (const [key, value] of after) {
    const was = before.get(key) ?? { size: 0, count: 0 };
    const size = (value.size - was.size) / clients;
    if (Math.abs(size) >= 8) rows.push([key, size, (value.count - was.count) / clients]);
  }
  rows.sort((a, b) => b[1] - a[1]);
  let total = 0;
  for (const [key, size, count] of rows) {
    total += size;
    console.log(`${size.toFixed(0).padStart(7)} B ${count.toFixed(2).padStart(7)} × ${key}`);
  }
  console.log(`${total.toFixed(0).padStart(7)} B per client in the rows above (${clients} clients)`);
  child.kill();
  await server.close();
  process.exit(0);
}

/** The property names of the object at node `index` (for DETAIL=1 runs). */
function propertyNames(snapshot, index) {
  const { node_fields: fields, edge_fields: edgeFields, edge_types: edgeTypes } = snapshot.snapshot.meta;
  const stride = fields.length;
  const countAt = fields.indexOf('edge_count');
  snapshot.firstEdges ??= edgeOffsets(snapshot.nodes, stride, countAt, edgeFields.length);
  const { firstEdges } = snapshot;
  const names = [];
  const start = firstEdges[index];
  const count = snapshot.nodes[index * stride + countAt];
  for (let k = 0; k < count; k++) {
    const at = start + k * edgeFields.length;
    const type = edgeTypes[0][snapshot.edges[at]];
    if (type === 'property') names.push(snapshot.strings[snapshot.edges[at + 1]]);
  }
  return names.slice(0, 6).join(',');
}

/** Where each node's edges start in `edges` (a snapshot lists them in node order). */
function edgeOffsets(nodes, stride, countAt, edgeStride) {
  const offsets = new Uint32Array(nodes.length / stride);
  for (let n = 0, e = 0; n < offsets.length; n++) {
    offsets[n] = e;
    e += nodes[n * stride + countAt] * edgeStride;
  }
  return offsets;
}

/** Sums self sizes by node type and name (a constructor's name for objects). */
function byConstructor(snapshot) {
  const { node_fields: fields, node_types: types } = snapshot.snapshot.meta;
  const stride = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const { nodes, strings } = snapshot;
  const totals = new Map();
  for (let i = 0; i < nodes.length; i += stride) {
    const type = types[typeAt][nodes[i + typeAt]];
    let name = type === 'string' || type === 'concatenated string' ? '' : strings[nodes[i + nameAt]];
    if (process.env.DETAIL && type === 'object' && name === 'Object')
      name = `{${propertyNames(snapshot, i / stride)}}`;
    if (process.env.DETAIL && type === 'string')
      name = JSON.stringify(
        strings[nodes[i + nameAt]].slice(0, Number(process.env.DETAIL) > 1 ? 200 : 30),
      ).replace(/[0-9a-zA-Z_-]{12,}/g, '<id>');
    const key = `${type} ${name}`.trim().slice(0, 80);
    const entry = totals.get(key) ?? { size: 0, count: 0 };
    entry.size += nodes[i + sizeAt];
    entry.count++;
    totals.set(key, entry);
  }
  return totals;
}
