/**
 * Electron's own user-visible texts. Code written for Electron matches on these, so they are the
 * contract: each one has a test in test/core/electron-texts.test.ts. Do not reword.
 */

/** Thrown by the codec itself (`ERR_IPC_NOT_CLONEABLE`); re-exported here so every Electron text is in one place. */
export { NOT_CLONEABLE_MESSAGE as CLONE_ERROR_MESSAGE } from '../../protocol/codec/index.js';

export function invokeErrorMessage(channel: string, errorText: string): string {
  return `Error invoking remote method '${channel}': ${errorText}`;
}

export function noHandlerMessage(channel: string): string {
  return `No handler registered for '${channel}'`;
}

/** Main's log line for a handler that threw; the console adapter prints `:` and the error after it, as Electron. */
export function handlerErrorMessage(channel: string): string {
  return `Error occurred in handler for '${channel}'`;
}

export function secondHandlerMessage(channel: string): string {
  return `Attempted to register a second handler for '${channel}'`;
}

export function handlerTypeMessage(handler: unknown): string {
  return `Expected handler to be a function, but found type '${typeof handler}'`;
}

export function sendSyncWithoutListenersWarning(webContentsId: number, channel: string): string {
  return `WebContents #${webContentsId} called ipcRenderer.sendSync() with '${channel}' channel without listeners.`;
}

/** What a renderer's sendSync returns when main never sets `event.returnValue`. */
export function replyWasNeverSent(): { error: string } {
  return { error: 'reply was never sent' };
}

export const MISSING_CHANNEL_MESSAGE = 'Missing required channel argument';

/**
 * Electron converts the channel argument natively; a non-string fails with this text. It names
 * `undefined` and `null` and leaves other types blank ("conversion failure from ").
 */
export function channelConversionMessage(channel: unknown, argumentIndex: number): string {
  const shown = channel === undefined ? 'undefined' : channel === null ? 'null' : '';
  return `Error processing argument at index ${argumentIndex}, conversion failure from ${shown}`;
}

/** `webview.getWebContentsId()` before a guest is attached (Electron's WEB_VIEW_CONSTANTS.ERROR_MSG_NOT_ATTACHED). */
export const WEBVIEW_NOT_ATTACHED_MESSAGE =
  'The WebView must be attached to the DOM and the dom-ready event emitted before this method can be called.';

/** contextBridge: the key is already taken (also by the browser's own globals, such as `chrome`). */
export const EXISTING_PROPERTY_MESSAGE =
  'Cannot bind an API on top of an existing property on the window object';

/** contextBridge: a copy nests deeper than Electron allows (two spaces after the first sentence, as Electron). */
export const RECURSION_DEPTH_MESSAGE =
  'Electron contextBridge recursion depth exceeded.  Nested objects deeper than 1000 are not supported.';

/** contextBridge: a bridged function threw something that has no string `message`. */
export const UNKNOWN_EXCEPTION_MESSAGE =
  'An unknown exception occurred in the isolated context, an error occurred but a valid exception was not thrown.';

/** `ipcRenderer.postMessage` and `webContents.postMessage` with a transfer list that is not a list of ports. */
export const INVALID_TRANSFER_MESSAGE = 'Invalid value for transfer';

/** `webContents.postMessage()` without a channel or a message (Chromium gin's text). */
export const INSUFFICIENT_ARGUMENTS_MESSAGE = 'Insufficient number of arguments.';

/** `MessagePortMain.postMessage`: the transfer list entry at `index` is not a `MessagePortMain`. */
export function notAValidPortMessage(index: number): string {
  return `Port at index ${index} is not a valid port.`;
}

/** `MessagePortMain.postMessage`: the port would transfer itself. */
export function sourcePortMessage(index: number): string {
  return `Port at index ${index} contains the source port.`;
}

/** A transfer list names a port twice. */
export function duplicatePortMessage(index: number): string {
  return `Port at index ${index} is a duplicate.`;
}

/** A transfer list names a port that was already transferred. */
export function neuteredPortMessage(index: number): string {
  return `Port at index ${index} is already neutered.`;
}
