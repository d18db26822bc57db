/**
 * A page's console messages for main's `'console-message'` listeners. The console is only wrapped
 * while main listens (a wrapped console shows this script as the source of every message in
 * DevTools), messages are rationed before they are sent, and texts are cut to size.
 * @packageDocumentation
 */
import { callerLocation, cutText, formatConsoleArgs } from '../core/renderer/console-format.js';
import { ConsoleLevel } from '../protocol/messages.js';

/** Main cuts longer texts too; the page cuts first so they never travel. */
const MAX_TEXT_LENGTH = 16 * 1024;
const MAX_SOURCE_LENGTH = 2048;
/** Below main's ration (a burst of 200, then 100 per second): an honest page never loses a message there. */
const BURST = 100;
const PER_SECOND = 50;

const METHODS = [
  ['debug', ConsoleLevel.Debug],
  ['log', ConsoleLevel.Info],
  ['info', ConsoleLevel.Info],
  ['warn', ConsoleLevel.Warning],
  ['error', ConsoleLevel.Error],
] as const;

export interface ConsoleReport {
  readonly level: ConsoleLevel;
  readonly line: number;
  readonly message: string;
  readonly sourceId: string;
}

export interface ConsoleReporter {
  start(): void;
  stop(): void;
}

export function createConsoleReporter(send: (report: ConsoleReport) => void): ConsoleReporter {
  let restore: (() => void) | undefined;
  let tokens = BURST;
  let countedAt = 0;
  /** Sending may itself log (a transport warning): that message is not sent again. */
  let sending = false;

  const emit = (level: ConsoleLevel, message: string, sourceId: string, line: number): void => {
    const now = Date.now();
    tokens = Math.min(BURST, tokens + ((now - countedAt) * PER_SECOND) / 1000);
    countedAt = now;
    if (sending || tokens < 1) return;
    tokens -= 1;
    sending = true;
    try {
      send({
        level,
        line: Number.isSafeInteger(line) && line > 0 ? line : 0,
        message: cutText(message, MAX_TEXT_LENGTH),
        sourceId: cutText(sourceId, MAX_SOURCE_LENGTH),
      });
    } catch {
      // A message that cannot be sent (the connection closed) is not the page's problem.
    } finally {
      sending = false;
    }
  };

  const start = (): void => {
    if (restore) return;
    const undo: (() => void)[] = [];
    for (const [name, level] of METHODS) {
      const original = console[name];
      const wrapper = function (this: Console, ...args: unknown[]) {
        original.apply(this, args);
        // Frame 0 is this wrapper; frame 1 called it.
        const { sourceId, line } = callerLocation(new Error().stack, 1);
        emit(level, formatConsoleArgs(args, MAX_TEXT_LENGTH), sourceId, line);
      };
      console[name] = wrapper;
      // Someone who wrapped it after us keeps theirs (which calls ours: it then reports nothing).
      undo.push(() => {
        if (console[name] === wrapper) console[name] = original;
      });
    }
    const onError = (event: ErrorEvent): void =>
      emit(ConsoleLevel.Error, event.message, event.filename ?? '', event.lineno ?? 0);
    const onRejection = (event: PromiseRejectionEvent): void =>
      emit(
        ConsoleLevel.Error,
        `Uncaught (in promise) ${formatConsoleArgs([event.reason], MAX_TEXT_LENGTH)}`,
        '',
        0,
      );
    addEventListener('error', onError);
    addEventListener('unhandledrejection', onRejection);
    undo.push(() => {
      removeEventListener('error', onError);
      removeEventListener('unhandledrejection', onRejection);
    });
    restore = () => {
      for (const step of undo) step();
    };
  };

  return {
    start,
    stop() {
      restore?.();
      restore = undefined;
    },
  };
}
