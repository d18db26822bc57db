import { channelConversionMessage } from '../core/shared/electron-texts.js';

/** Electron's text for a zoom factor that is not above 0. */
export const ZOOM_FACTOR_MESSAGE = "'zoomFactor' must be a double greater than 0.0";

/** Chromium's zoom levels: each step is 20% larger or smaller. */
const ZOOM_STEP = 1.2;

/**
 * The part of Electron's `webFrame` a page can do for itself: style sheets and zoom. `insertCSS` adds a
 * constructed style sheet (not an inline `<style>`, so a page's `style-src` policy does not block it);
 * zoom is CSS `zoom` on the root element, which scales the page's layout as Chromium's zoom does, but
 * leaves `devicePixelRatio` as it is. Outside a document the calls only keep their values.
 */
export interface WebFrame {
  /** Returns a key for {@link WebFrame.removeInsertedCSS}. */
  insertCSS(css: string, options?: { cssOrigin?: 'user' | 'author' }): string;
  removeInsertedCSS(key: string): void;
  /** @throws Error "'zoomFactor' must be a double greater than 0.0" */
  setZoomFactor(factor: number): void;
  getZoomFactor(): number;
  setZoomLevel(level: number): void;
  getZoomLevel(): number;
}

interface DocumentLike {
  readonly documentElement: { readonly style: { setProperty(name: string, value: string): void } } | null;
}

/** A `webFrame` for this page. */
export function createWebFrame(): WebFrame {
  const inserted = new Map<string, () => void>();
  let count = 0;
  let zoomFactor = 1;
  const setZoomFactor = (factor: number): void => {
    if (typeof factor !== 'number' || !(factor >= Number.EPSILON)) throw new Error(ZOOM_FACTOR_MESSAGE);
    zoomFactor = factor;
    const root = (globalThis as { document?: DocumentLike }).document?.documentElement;
    root?.style.setProperty('zoom', factor === 1 ? '' : String(factor));
  };
  return {
    insertCSS(css: string): string {
      if (typeof css !== 'string') throw new TypeError(channelConversionMessage(css, 0));
      count += 1;
      const key = `ipc-anywhere-css-${count}`;
      const document = (globalThis as { document?: Document }).document;
      if (document) inserted.set(key, addStyleSheet(document, css));
      return key;
    },
    removeInsertedCSS(key: string): void {
      inserted.get(key)?.();
      inserted.delete(key);
    },
    setZoomFactor,
    getZoomFactor: () => zoomFactor,
    setZoomLevel(level: number): void {
      if (typeof level !== 'number') throw new TypeError(channelConversionMessage(level, 0));
      setZoomFactor(ZOOM_STEP ** level);
    },
    getZoomLevel: () => Math.log(zoomFactor) / Math.log(ZOOM_STEP),
  };
}

/** Adds `css` to `document`; returns a function that takes it out again. */
function addStyleSheet(document: Document, css: string): () => void {
  if (typeof CSSStyleSheet === 'function' && Array.isArray(document.adoptedStyleSheets)) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    return () => {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((other) => other !== sheet);
    };
  }
  const style = document.createElement('style');
  style.textContent = css;
  (document.head ?? document.documentElement).append(style);
  return () => style.remove();
}

/** This renderer's `webFrame` (a page served with the classic script uses that script's). */
export const webFrame: WebFrame = createWebFrame();
