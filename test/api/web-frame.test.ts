import { describe, expect, it } from 'vitest';
import { createWebFrame, ZOOM_FACTOR_MESSAGE } from '../../src/api/web-frame.js';
import { webUtils } from '../../src/api/web-utils.js';

describe('webFrame without a document', () => {
  it("refuses a zoom factor that is not above 0 with Electron's text", () => {
    const webFrame = createWebFrame();
    expect(ZOOM_FACTOR_MESSAGE).toBe("'zoomFactor' must be a double greater than 0.0");
    for (const factor of [0, -1, Number.NaN, '2'])
      expect(() => webFrame.setZoomFactor(factor as number)).toThrow(new Error(ZOOM_FACTOR_MESSAGE));
    expect(webFrame.getZoomFactor()).toBe(1);
  });

  it('converts between zoom levels and factors as Chromium does (1.2 per level)', () => {
    const webFrame = createWebFrame();
    webFrame.setZoomLevel(2);
    expect(webFrame.getZoomFactor()).toBeCloseTo(1.44);
    webFrame.setZoomFactor(1 / 1.2);
    expect(webFrame.getZoomLevel()).toBeCloseTo(-1);
    expect(() => webFrame.setZoomLevel(undefined as never)).toThrow(TypeError);
  });

  it('insertCSS returns distinct keys; removeInsertedCSS takes any key', () => {
    const webFrame = createWebFrame();
    const first = webFrame.insertCSS('a {}');
    const second = webFrame.insertCSS('b {}');
    expect(first).not.toBe(second);
    webFrame.removeInsertedCSS(first);
    webFrame.removeInsertedCSS('unknown');
    expect(() => webFrame.insertCSS(undefined as never)).toThrow(
      'Error processing argument at index 0, conversion failure from undefined',
    );
  });
});

describe('webUtils.getPathForFile', () => {
  it("answers '' (a browser never tells a page where a file lives) and refuses what is not a File", () => {
    expect(webUtils.getPathForFile(new File(['x'], 'x.txt'))).toBe('');
    expect(() => webUtils.getPathForFile({} as File)).toThrow(TypeError);
  });
});
