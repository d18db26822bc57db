import type { EventEmitter } from 'events';
import {
  handlerErrorLogPrefix,
  noHandlerMessage,
  replyWasNeverSent,
  sendSyncWithoutListenersWarning,
} from '../shared/electron-texts.js';
import type { Logger } from './logger.js';
import { createInvokeEvent, createMessageEvent, createSyncEvent } from './main-events.js';
import { type IpcMain, invokeHandlerOf, type WebContents } from './web-contents-impl.js';

/** What the cascade needs from the main world it runs in (`MainWorld` has it). */
export interface DispatchWorld {
  readonly ipcMain: IpcMain;
  /** Where listener and handler errors and sync warnings are reported. */
  readonly logger: Logger;
  /** How long a sync event may stay unanswered (ms). */
  readonly syncReplyTimeout: number;
}

/*
 * Electron's cascade for a renderer message: the WebContents' 'ipc-message' event, then
 * `webContents.ipc`, then `ipcMain`, all with the same event object. Invokes go to the first of
 * `webContents.ipc` and `ipcMain` that has a handler, and never reach `on` listeners.
 */

/**
 * `emitter.emit(name, event, ...args)` for one stage of the cascade. Skipped when nobody listens: `emit`
 * would only copy the arguments, and on an `'error'` channel whose no-op listener was removed it would
 * throw. A listener that throws is reported to main's logger rather than ending the process: renderers
 * control what reaches these listeners.
 */
function emitSafely(
  world: DispatchWorld,
  emitter: EventEmitter,
  name: string,
  event: unknown,
  args: unknown[],
): void {
  if (emitter.listenerCount(name) === 0) return;
  try {
    emitter.emit(name, event, ...args);
  } catch (error) {
    reportListenerError(world, `'${name}'`, error);
  }
}

/** The WebContents' `'ipc-message'` / `'ipc-message-sync'` event: `(event, channel, ...args)`. */
function emitOnContents(
  world: DispatchWorld,
  sender: WebContents,
  name: string,
  event: unknown,
  channel: string,
  args: unknown[],
): void {
  if (sender.listenerCount(name) === 0) return;
  try {
    sender.emit(name, event, channel, ...args);
  } catch (error) {
    reportListenerError(world, `'${name}' (channel '${channel}')`, error);
  }
}

function reportListenerError(world: DispatchWorld, what: string, error: unknown): void {
  world.logger.error(`ipc-anywhere: a listener for ${what} threw:`, error);
}

export function dispatchSend(
  world: DispatchWorld,
  sender: WebContents,
  channel: string,
  args: unknown[],
): void {
  const event = createMessageEvent(sender);
  emitOnContents(world, sender, 'ipc-message', event, channel, args);
  emitSafely(world, sender.ipc, channel, event, args);
  emitSafely(world, world.ipcMain, channel, event, args);
}

const droppedSyncEvents =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<() => void>((answerNeverSent) => answerNeverSent())
    : undefined;

export function dispatchSendSync(
  world: DispatchWorld,
  sender: WebContents,
  channel: string,
  args: unknown[],
  respond: (value: unknown) => void,
): void {
  let answered = false;
  /** A listener set a returnValue that could not be sent (not cloneable, too large). */
  let failed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Set once the event is watched for being dropped (listeners did not answer synchronously). */
  let token: object | undefined;
  const answer = (value: unknown): void => {
    if (answered) return;
    try {
      respond(value);
    } catch (error) {
      failed = true;
      throw error; // to the listener that set it, which may set another value
    }
    answered = true;
    if (timer !== undefined) clearTimeout(timer);
    if (token !== undefined) droppedSyncEvents?.unregister(token);
  };
  const hasListeners =
    sender.listenerCount('ipc-message-sync') > 0 ||
    sender.ipc.listenerCount(channel) > 0 ||
    world.ipcMain.listenerCount(channel) > 0;
  if (!hasListeners) {
    world.logger.warn(sendSyncWithoutListenersWarning(sender.id, channel));
    answer(replyWasNeverSent());
    return;
  }
  const event = createSyncEvent(sender, answer);
  emitOnContents(world, sender, 'ipc-message-sync', event, channel, args);
  emitSafely(world, sender.ipc, channel, event, args);
  emitSafely(world, world.ipcMain, channel, event, args);
  if (answered) return;
  if (failed) {
    // The value was refused and nobody set another: the page need not block until the deadline.
    answer(replyWasNeverSent());
    return;
  }
  // Listeners may answer later (after an await). If they drop the event instead, tell the renderer
  // when the event is collected or the deadline passes, whichever comes first.
  const answerNeverSent = (): void => answer(replyWasNeverSent());
  token = {};
  droppedSyncEvents?.register(event, answerNeverSent, token);
  if (Number.isFinite(world.syncReplyTimeout)) {
    timer = setTimeout(answerNeverSent, world.syncReplyTimeout);
    (timer as { unref?: () => void }).unref?.();
  }
}

export type InvokeOutcome = { ok: true; value: unknown } | { ok: false; error: string };

export function dispatchInvoke(
  world: DispatchWorld,
  sender: WebContents,
  channel: string,
  args: unknown[],
  reply: (outcome: InvokeOutcome) => void,
): void {
  const fail = (error: unknown): void => {
    world.logger.error(handlerErrorLogPrefix(channel), error);
    reply({ ok: false, error: errorText(error) });
  };
  const handler = invokeHandlerOf(sender.ipc, channel) ?? invokeHandlerOf(world.ipcMain, channel);
  if (!handler) {
    fail(new Error(noHandlerMessage(channel)));
    return;
  }
  const event = createInvokeEvent(sender);
  let result: unknown;
  try {
    result = handler(event, ...args);
  } catch (error) {
    fail(error);
    return;
  }
  Promise.resolve(result).then((value) => reply({ ok: true, value }), fail);
}

/** `error.toString()`, as Electron sends it, without letting a hostile toString throw here. */
function errorText(error: unknown): string {
  try {
    return String(error);
  } catch {
    return 'Error: (error could not be converted to a string)';
  }
}
