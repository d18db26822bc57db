import type { IpcRenderer } from '../core/renderer/ipc-renderer-impl.js';
import { WebviewGuest } from '../core/renderer/webview-host.js';
import { WEBVIEW_NOT_ATTACHED_MESSAGE } from '../core/shared/electron-texts.js';
import { IpcError, IpcErrorCode } from '../protocol/errors.js';
import { GUEST_NAME_PREFIX } from './webview-guest.browser.js';

/**
 * `<webview>` in a browser host page. `webview` is not a valid custom-element name, so every `<webview>`
 * in the document (at install time and added later, watched with a MutationObserver) is upgraded by
 * hand: it gets `send`, `getWebContentsId` and a `src` property, and a child `<iframe>` that fills it and
 * loads the guest page. `<ipc-webview>` is the same as a real custom element. See docs/webview.md.
 */

/** The IPC part of Electron's `<webview>`, as upgraded elements have it. */
export interface WebviewElement extends HTMLElement {
  /** Sends to the guest's `ipcRenderer` listeners; waits (up to 30 s) for a guest to attach. */
  send(channel: string, ...args: unknown[]): Promise<void>;
  /** The guest's WebContents id; throws Electron's error while no guest is attached. */
  getWebContentsId(): number;
  /** The `src` attribute; setting it loads another guest page (a new guest). */
  src: string;
}

interface Upgraded {
  readonly guest: WebviewGuest;
  frame: HTMLIFrameElement | undefined;
}

const FRAME_STYLE = 'border:0;display:block;flex:1 1 auto;width:100%;height:100%;';

/** One host renderer's `<webview>` support: which elements it upgraded, and what each one does. */
class WebviewTag {
  readonly #states = new WeakMap<Element, Upgraded>();

  constructor(readonly renderer: IpcRenderer) {}

  /** The element entered the document (or moved within it, which reloads a frame): (re)load its page. */
  connect(element: HTMLElement): void {
    let state = this.#states.get(element);
    if (!state) {
      state = { guest: new WebviewGuest(this.renderer, this.#eventsFor(element)), frame: undefined };
      this.#states.set(element, state);
      if (getComputedStyle(element).display === 'inline') element.style.display = 'flex';
    }
    this.navigate(element);
  }

  /** The element left the document: its guest goes away. */
  disconnect(element: HTMLElement): void {
    const state = this.#states.get(element);
    if (!state) return;
    this.#states.delete(element);
    removeFrame(state);
    state.guest.destroy();
  }

  /** `src` changed: a new guest page in a new frame (with a new token). */
  navigate(element: HTMLElement): void {
    const state = this.#states.get(element);
    if (!state) return;
    removeFrame(state);
    if (element.getAttribute('src')) state.guest.load();
    else state.guest.unload();
  }

  isUpgraded(element: Element): boolean {
    return this.#states.has(element);
  }

  send(element: HTMLElement, channel: string, args: unknown[]): Promise<void> {
    const state = this.#states.get(element);
    if (!state) {
      return Promise.reject(
        new IpcError(IpcErrorCode.NotConnected, 'This <webview> is not in a document, so it has no guest.'),
      );
    }
    return state.guest.send(channel, args);
  }

  getWebContentsId(element: HTMLElement): number {
    const id = this.#states.get(element)?.guest.guestId ?? 0;
    if (id === 0) throw new Error(WEBVIEW_NOT_ATTACHED_MESSAGE);
    return id;
  }

  #eventsFor(element: HTMLElement) {
    return {
      load: (token: string) => {
        const state = this.#states.get(element);
        const src = element.getAttribute('src');
        if (!state || !src) return;
        removeFrame(state);
        // Name and source are set before the frame is inserted: the guest's first document reads them.
        const frame = element.ownerDocument.createElement('iframe');
        frame.name = GUEST_NAME_PREFIX + token;
        frame.setAttribute('src', src);
        frame.style.cssText = FRAME_STYLE;
        state.frame = frame;
        element.append(frame);
      },
      attached: () => dispatch(element, 'did-attach', {}),
      detached: () => {},
      message: (channel: string, args: unknown[], frameId: number) => {
        const guestId = this.#states.get(element)?.guest.guestId ?? 0;
        // Electron's shape: `frameId` is `[processId, frameId]`; a guest's processId is its id.
        dispatch(element, 'ipc-message', { frameId: [guestId, frameId], channel, args });
      },
    };
  }
}

function removeFrame(state: Upgraded): void {
  state.frame?.remove();
  state.frame = undefined;
}

/** A plain `Event` (not bubbling, not cancelable) with `props` as own properties, as Electron does it. */
function dispatch(element: HTMLElement, type: string, props: object): void {
  const event = new Event(type);
  Object.assign(event, props);
  element.dispatchEvent(event);
}

function webviewsIn(node: Node): HTMLElement[] {
  if (!(node instanceof Element)) return [];
  const found = node.localName === 'webview' ? [node as HTMLElement] : [];
  if (node.firstElementChild) found.push(...node.querySelectorAll<HTMLElement>('webview'));
  return found;
}

/** Gives a `<webview>` (which cannot be a custom element) the element API, as own properties. */
function addMethods(tag: WebviewTag, element: HTMLElement): void {
  if (Object.hasOwn(element, 'send')) return;
  Object.defineProperties(element, {
    send: {
      configurable: true,
      writable: true,
      value: (channel: string, ...args: unknown[]) => tag.send(element, channel, args),
    },
    getWebContentsId: {
      configurable: true,
      writable: true,
      value: () => tag.getWebContentsId(element),
    },
    src: {
      configurable: true,
      get: () => element.getAttribute('src') ?? '',
      set: (value: unknown) => element.setAttribute('src', String(value)),
    },
  });
}

function defineIpcWebview(tag: WebviewTag): void {
  if (typeof customElements === 'undefined' || customElements.get('ipc-webview')) return;
  class IpcWebviewElement extends HTMLElement {
    static observedAttributes = ['src'];

    connectedCallback(): void {
      tag.connect(this);
    }

    disconnectedCallback(): void {
      tag.disconnect(this);
    }

    attributeChangedCallback(_name: string, previous: string | null, value: string | null): void {
      if (previous !== value && this.isConnected && tag.isUpgraded(this)) tag.navigate(this);
    }

    send(channel: string, ...args: unknown[]): Promise<void> {
      return tag.send(this, channel, args);
    }

    getWebContentsId(): number {
      return tag.getWebContentsId(this);
    }

    get src(): string {
      return this.getAttribute('src') ?? '';
    }

    set src(value: string) {
      this.setAttribute('src', String(value));
    }
  }
  customElements.define('ipc-webview', IpcWebviewElement);
}

const installed = new WeakSet<Document>();

/**
 * Makes `<webview>` (and `<ipc-webview>`) elements of `document` host guests through `renderer`. Called
 * by the classic script and the browser entry for the page's `ipcRenderer`; once per document.
 */
export function installWebviewTag(renderer: IpcRenderer, document: Document = globalThis.document): void {
  if (!document || installed.has(document) || typeof MutationObserver === 'undefined') return;
  installed.add(document);
  const tag = new WebviewTag(renderer);
  const observer = new MutationObserver((records) => {
    const touched = new Set<HTMLElement>();
    const removed = new Set<HTMLElement>();
    const retargeted = new Set<HTMLElement>();
    for (const record of records) {
      if (record.type === 'attributes') {
        const target = record.target as HTMLElement;
        if (target.localName === 'webview' && record.oldValue !== target.getAttribute('src'))
          retargeted.add(target);
        continue;
      }
      for (const node of record.removedNodes) {
        for (const element of webviewsIn(node)) {
          touched.add(element);
          removed.add(element);
        }
      }
      for (const node of record.addedNodes) for (const element of webviewsIn(node)) touched.add(element);
    }
    for (const element of touched) {
      if (!element.isConnected) tag.disconnect(element);
      // Moving an element reloads its frame in a new browsing context: that needs a new token.
      else if (removed.has(element) || !tag.isUpgraded(element)) upgrade(element);
    }
    for (const element of retargeted) {
      if (!touched.has(element) && element.isConnected && tag.isUpgraded(element)) tag.navigate(element);
    }
  });
  const upgrade = (element: HTMLElement) => {
    addMethods(tag, element);
    tag.connect(element);
  };
  observer.observe(document, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['src'],
    attributeOldValue: true,
  });
  for (const element of document.querySelectorAll<HTMLElement>('webview')) upgrade(element);
  defineIpcWebview(tag);
}
