import { channelConversionMessage, MISSING_CHANNEL_MESSAGE } from './electron-texts.js';

/**
 * Renderer-side check with Electron's native text. `argumentIndex` is the channel's position in
 * Electron's native binding: 1 for send/sendSync/invoke (after an internal flag), 0 for sendToHost.
 */
export function assertRendererChannel(channel: unknown, argumentIndex = 1): asserts channel is string {
  if (typeof channel !== 'string') throw new TypeError(channelConversionMessage(channel, argumentIndex));
}

/** Main-side check for `webContents.send` and `event.reply`. */
export function assertMainChannel(channel: unknown): asserts channel is string {
  if (typeof channel !== 'string') throw new TypeError(MISSING_CHANNEL_MESSAGE);
}
