/**
 * `ipc-anywhere/testing`: an in-memory main process and renderers for unit tests.
 * @packageDocumentation
 */

export { IpcError, IpcErrorCode, isIpcError } from './protocol/errors.js';
export { createIPCMock, type IPCMock, type IPCMockMain } from './testing/ipc-mock.js';
export {
  createMemoryIpc,
  type MemoryIpc,
  type MemoryRenderer,
  type MemoryRendererOptions,
} from './testing/memory-ipc.js';
export {
  type TrafficDirection,
  type TrafficKind,
  type TrafficOutcome,
  type TrafficRecord,
  TrafficRecorder,
} from './testing/traffic-recorder.js';
