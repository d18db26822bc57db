/**
 * `ipc-anywhere/renderer` in Node.js (export condition `node`): a worker thread started with
 * `createWorkerRenderer` connects by itself; any other Node process connects with `connect({ url })`.
 * @packageDocumentation
 */
export * from './renderer.js';
