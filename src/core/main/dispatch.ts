import type { EventEmitter } from 'events';
import { decode, encode } from '../../protocol/codec/index.js';
import {
  handlerErrorMessage,
  noHandlerMessage,
  replyWasNeverSent,
  sendSyncWithoutListenersWarning,
} from '../shared/electron-texts.js';
import type { Logger } from './logger.js';
import { createInvokeEvent, createMessageEvent, createPortsEvent, createSyncEvent } from './main-events.js';
import type { MessagePortMain } from './message-port-main.js';
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
  sender: WebContents,
  emitter: EventEmitter | undefined,
  name: string,
  event: unknown,
  args: unknown[],
): void {
  if (emitter === undefined || emitter.listenerCount(name) === 0) return;
  try {
    emitter.emit(name, event, ...args);
  } catch (error) {
    reportListenerError(world, `'${name}'`, error, name, sender);
  }
}

/** Listeners for `channel` on `emitter` (a `webContents.ipc` nothing asked for has none). */
function listenersOf(emitter: EventEmitter | undefined, channel: string): number {
  return emitter === undefined ? 0 : emitter.listenerCount(channel);
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
    reportListenerError(world, `'${name}' (channel '${channel}')`, error, channel, sender);
  }
}

function reportListenerError(
  world: DispatchWorld,
  what: string,
  error: unknown,
  channel: string,
  sender: WebContents,
): void {
  world.logger.error(
    { err: error, channel, webContentsId: sender.id },
    `ipc-anywhere: a listener for ${what} threw`,
  );
}

export function dispatchSend(
  world: DispatchWorld,
  sender: WebContents,
  channel: string,
  args: unknown[],
): void {
  const event = createMessageEvent(sender);
  emitOnContents(world, sender, 'ipc-message', event, channel, args);
  emitSafely(world, sender, sender.ipcIfUsed, channel, event, args);
  emitSafely(world, sender, world.ipcMain, channel, event, args);
}

/**
 * `ipcRenderer.postMessage(channel, message, transfer)`: as Electron, `webContents.ipc` then `ipcMain`
 * get `(event, message)` with the ports as `event.ports`; the WebContents emits no `'ipc-message'`.
 */
export function dispatchPostMessage(
  world: DispatchWorld,
  sender: WebContents,
  channel: string,
  message: unknown,
  ports: MessagePortMain[],
): void {
  if (listenersOf(sender.ipcIfUsed, channel) === 0 && world.ipcMain.listenerCount(channel) === 0) {
    // Sent to nowhere: Electron closes such ports when they are collected; closing them at once tells
    // their partners the same without waiting for the collector.
    for (const port of ports) port.close();
    return;
  }
  const event = createPortsEvent(sender, ports);
  const args = [message];
  emitSafely(world, sender, sender.ipcIfUsed, channel, event, args);
  emitSafely(world, sender, world.ipcMain, channel, event, args);
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
    listenersOf(sender.ipcIfUsed, channel) > 0 ||
    world.ipcMain.listenerCount(channel) > 0;
  if (!hasListeners) {
    world.logger.warn(
      { channel, webContentsId: sender.id },
      sendSyncWithoutListenersWarning(sender.id, channel),
    );
    answer(replyWasNeverSent());
    return;
  }
  const event = createSyncEvent(sender, answer);
  emitOnContents(world, sender, 'ipc-message-sync', event, channel, args);
  emitSafely(world, sender, sender.ipcIfUsed, channel, event, args);
  emitSafely(world, sender, world.ipcMain, channel, event, args);
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

/** Where an invoke's answer goes (main's session for the renderer that asked); neither method throws. */
export interface InvokeReplyTarget {
  /** The handler's value. */
  sendInvokeValue(id: number, channel: string, value: unknown): void;
  sendInvokeReply(id: number, channel: string, outcome: InvokeOutcome): void;
}

/**
 * Runs the handler for `channel` and answers call `id` on `target` once its result settles, a
 * microtask later at the earliest (Electron awaits the handler's result), so the reply goes after
 * whatever the rest of the frame sends. Per call this makes the event, the two reactions and one
 * context they share: an invoke is the hot path, and garbage per call is what makes main's young
 * collections more frequent than a hand-written `ws` server's (docs/performance.md).
 */
export function dispatchInvoke(
  world: DispatchWorld,
  sender: WebContents,
  channel: string,
  args: unknown[],
  target: InvokeReplyTarget,
  id: number,
): void {
  const handler = invokeHandlerOf(sender.ipcIfUsed, channel) ?? invokeHandlerOf(world.ipcMain, channel);
  if (!handler) {
    failInvoke(world, sender, channel, new Error(noHandlerMessage(channel)), target, id);
    return;
  }
  const event = createInvokeEvent(sender);
  let result: unknown;
  try {
    result = handler(event, ...args);
  } catch (error) {
    failInvoke(world, sender, channel, error, target, id);
    return;
  }
  Promise.resolve(result).then(
    (value) => target.sendInvokeValue(id, channel, value),
    (error) => failInvoke(world, sender, channel, error, target, id),
  );
}

/** The handler threw (or its promise rejected with) `error`, or there is none: logged, and answered. */
function failInvoke(
  world: DispatchWorld,
  sender: WebContents,
  channel: string,
  error: unknown,
  target: InvokeReplyTarget,
  id: number,
): void {
  world.logger.error({ err: error, channel, webContentsId: sender.id }, handlerErrorMessage(channel));
  target.sendInvokeReply(id, channel, outcomeOfThrown(world, channel, error));
}

/*
 * What Electron makes of a thrown value (lib/browser/ipc-dispatch.ts, lib/renderer/api/ipc-renderer.ts):
 * main replies `{ error: error.toString() }` and the renderer rejects only `if (error)`. So a value
 * whose toString() gives something falsy (`throw ''`) resolves the invoke with undefined, while
 * `throw 0` and `throw false` reject with '0' and 'false'. For `throw null`, `throw undefined` and
 * anything without a callable toString(), the call itself throws inside Electron's catch block: that
 * TypeError becomes an unhandled rejection in main and no reply is sent until the event is garbage
 * collected, when the renderer gets 'reply was never sent'. We send that reply at once instead of
 * leaving the renderer waiting on the collector, and log the TypeError rather than leave it unhandled.
 */
function outcomeOfThrown(world: DispatchWorld, channel: string, error: unknown): InvokeOutcome {
  let text: unknown;
  try {
    text = (error as { toString(): unknown }).toString();
  } catch (cause) {
    world.logger.error({ err: cause, channel }, toStringFailedLog(channel));
    return { ok: false, error: replyWasNeverSent().error };
  }
  if (!text) return { ok: true, value: undefined };
  if (typeof text === 'string') return { ok: false, error: text };
  // Electron clones the reply, then the renderer formats the copy with a template literal.
  try {
    return { ok: false, error: String(decode(encode(text))) };
  } catch (cause) {
    world.logger.error({ err: cause, channel }, toStringFailedLog(channel));
    return { ok: false, error: replyWasNeverSent().error };
  }
}

function toStringFailedLog(channel: string): string {
  return `ipc-anywhere: what the handler for '${channel}' threw has no usable toString(), so the renderer gets 'reply was never sent'`;
}
