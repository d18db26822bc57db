/**
 * `ipc-anywhere/renderer` in browsers (export condition `browser`): a page served by ipc-anywhere's
 * server connects to it by itself; `connect(options)` exists for explicit setups.
 * @packageDocumentation
 */
export * from './renderer.js';
