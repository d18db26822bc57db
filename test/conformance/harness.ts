import type { IpcMain, LogFields, Logger, WebContents, WebContentsModule } from '../../src/main.js';
import type { IpcRenderer } from '../../src/renderer.js';

/** What renderer-side test code can use. It runs in the renderer (another thread, a browser page...). */
export interface RendererScope {
  readonly ipcRenderer: IpcRenderer;
}

/**
 * Renderer-side code for {@link RendererHandle.run}. It is shipped as source text, so it must not close
 * over anything: pass data through `args` (structured-clone values) and return a cloneable result.
 */
export type RendererScript<A extends unknown[], R> = (scope: RendererScope, ...args: A) => R | Promise<R>;

export interface RendererHandle {
  /** Main's view of this renderer. */
  readonly webContents: WebContents;
  /** Runs `script` inside the renderer and resolves with what it returned (or rejects with its error). */
  run<A extends unknown[], R>(script: RendererScript<A, R>, ...args: A): Promise<R>;
}

/** What a transport's test harness provides; the conformance suite is written against this alone. */
export interface ConformanceTarget {
  readonly ipcMain: IpcMain;
  readonly webContents: WebContentsModule;
  /** Warnings and errors main reported (handler errors, sync warnings, dropped connections). */
  readonly log: RecordedLog;
  createRenderer(): Promise<RendererHandle>;
  close(): Promise<void>;
}

export interface TargetCapabilities {
  /** Main may set `event.returnValue` after an await and the renderer still gets it. */
  readonly asyncSyncReply: boolean;
  /**
   * `sendSync` blocks and returns main's reply (default). `false` for clients that cannot block (a Node
   * WebSocket client): there `sendSync` must throw `ERR_IPC_SYNC_UNSUPPORTED` and dispatch nothing.
   */
  readonly blockingSendSync?: boolean;
  /**
   * A renderer's own MessagePorts get a `close` event when their partner closes (default). `false` in
   * Chromium pages, which lack MessagePort close events: only the ports the library hands the page (its
   * `event.ports`) get one there, from the library.
   */
  readonly portCloseEvents?: boolean;
}

export interface TargetFactory {
  readonly name: string;
  readonly capabilities: TargetCapabilities;
  create(): Promise<ConformanceTarget>;
}

/** One line main logged: its message and its structured fields (`err`, `code`, `channel`, ...). */
export interface LogEntry {
  readonly message: string;
  readonly fields: LogFields;
}

export interface RecordedLog {
  warn: LogEntry[];
  error: LogEntry[];
}

/** A structured logger that records, for targets to pass to their main. */
export function recordingLogger(): { logger: Logger; log: RecordedLog } {
  const log: RecordedLog = { warn: [], error: [] };
  return {
    log,
    logger: {
      warn: (fields, message) => log.warn.push({ message, fields }),
      error: (fields, message) => log.error.push({ message, fields }),
    },
  };
}

/** Everything `entries` say, one line each: the message, then the code and the error when there are. */
export function logText(entries: readonly LogEntry[]): string {
  return entries
    .map(({ message, fields }) =>
      [message, fields.code, fields.err]
        .filter((part) => part !== undefined)
        .map(String)
        .join(' '),
    )
    .join('\n');
}
