import { channelConversionMessage } from '../core/shared/electron-texts.js';

/** Electron's `webUtils`. */
export interface WebUtils {
  /**
   * Electron's path of a `File` on disk. A browser never tells a page where a file lives, so this is
   * always `''`, Electron's answer for a `File` that is not backed by a file on disk.
   * @throws TypeError when `file` is not a `File` (or `Blob`).
   */
  getPathForFile(file: File): string;
}

export const webUtils: WebUtils = {
  getPathForFile(file: File): string {
    const scope = globalThis as { Blob?: Function };
    if (typeof scope.Blob === 'function' && !(file instanceof scope.Blob))
      throw new TypeError(channelConversionMessage(file, 0));
    return '';
  },
};
