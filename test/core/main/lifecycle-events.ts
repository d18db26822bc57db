/** Every WebContents lifecycle event the library emits for a page (unit and Chromium tests record them). */
export const LIFECYCLE_EVENTS = [
  'did-start-loading',
  'did-navigate',
  'page-title-updated',
  'dom-ready',
  'did-finish-load',
  'did-stop-loading',
  'did-navigate-in-page',
  'render-process-gone',
] as const;
