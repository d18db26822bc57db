import { describe, expect, it } from 'vitest';
import {
  CLONE_ERROR_MESSAGE,
  channelConversionMessage,
  duplicatePortMessage,
  handlerErrorMessage,
  handlerTypeMessage,
  INSUFFICIENT_ARGUMENTS_MESSAGE,
  INVALID_TRANSFER_MESSAGE,
  invokeErrorMessage,
  MISSING_CHANNEL_MESSAGE,
  neuteredPortMessage,
  noHandlerMessage,
  notAValidPortMessage,
  replyWasNeverSent,
  secondHandlerMessage,
  sendSyncWithoutListenersWarning,
  sourcePortMessage,
  WEBVIEW_NOT_ATTACHED_MESSAGE,
} from '../../../src/core/shared/electron-texts.js';

// Each text is Electron's, character for character; apps match on them.
describe("Electron's texts", () => {
  it('clone error', () => {
    expect(CLONE_ERROR_MESSAGE).toBe('An object could not be cloned.');
  });

  it('invoke rejection wraps the error text main sent', () => {
    expect(invokeErrorMessage('ch', 'Error: boom')).toBe("Error invoking remote method 'ch': Error: boom");
  });

  it('no handler registered', () => {
    expect(noHandlerMessage('ch')).toBe("No handler registered for 'ch'");
  });

  it('handler error log prefix', () => {
    expect(handlerErrorMessage('ch')).toBe("Error occurred in handler for 'ch'");
  });

  it('second handler', () => {
    expect(secondHandlerMessage('ch')).toBe("Attempted to register a second handler for 'ch'");
  });

  it('handler type', () => {
    expect(handlerTypeMessage(5)).toBe("Expected handler to be a function, but found type 'number'");
    expect(handlerTypeMessage(undefined)).toBe(
      "Expected handler to be a function, but found type 'undefined'",
    );
  });

  it('sendSync without listeners warning', () => {
    expect(sendSyncWithoutListenersWarning(3, 'ch')).toBe(
      "WebContents #3 called ipcRenderer.sendSync() with 'ch' channel without listeners.",
    );
  });

  it('reply was never sent', () => {
    expect(replyWasNeverSent()).toEqual({ error: 'reply was never sent' });
  });

  it('missing channel for webContents.send', () => {
    expect(MISSING_CHANNEL_MESSAGE).toBe('Missing required channel argument');
  });

  it('channel conversion failure names undefined and null, and nothing for other types', () => {
    expect(channelConversionMessage(undefined, 1)).toBe(
      'Error processing argument at index 1, conversion failure from undefined',
    );
    expect(channelConversionMessage(null, 1)).toBe(
      'Error processing argument at index 1, conversion failure from null',
    );
    expect(channelConversionMessage(42, 0)).toBe(
      'Error processing argument at index 0, conversion failure from ',
    );
    expect(channelConversionMessage({}, 1)).toBe(
      'Error processing argument at index 1, conversion failure from ',
    );
  });

  it('<webview> not attached (getWebContentsId before a guest is there)', () => {
    expect(WEBVIEW_NOT_ATTACHED_MESSAGE).toBe(
      'The WebView must be attached to the DOM and the dom-ready event emitted before this method can be called.',
    );
  });

  it('MessagePort transfer lists (ipcRenderer.postMessage, webContents.postMessage, MessagePortMain)', () => {
    expect(INVALID_TRANSFER_MESSAGE).toBe('Invalid value for transfer');
    expect(INSUFFICIENT_ARGUMENTS_MESSAGE).toBe('Insufficient number of arguments.');
    expect(notAValidPortMessage(0)).toBe('Port at index 0 is not a valid port.');
    expect(sourcePortMessage(1)).toBe('Port at index 1 contains the source port.');
    expect(duplicatePortMessage(2)).toBe('Port at index 2 is a duplicate.');
    expect(neuteredPortMessage(0)).toBe('Port at index 0 is already neutered.');
  });
});
