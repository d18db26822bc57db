import type { WebContents } from './web-contents-impl.js';

/** The frame a message came from. `origin` is verified by the transport (e.g. the upgrade's Origin). */
export interface SenderFrame {
  readonly url: string;
  readonly origin: string;
  readonly frameId: number;
  readonly processId: number;
}

/** What main listeners get for `send` and `sendSync` (Electron's `IpcMainEvent`). */
export interface IpcMainEvent {
  readonly type: 'frame';
  readonly sender: WebContents;
  readonly frameId: number;
  readonly processId: number;
  readonly senderFrame: SenderFrame;
  readonly ports: MessagePort[];
  /** Sends to the frame the message came from. */
  reply(channel: string, ...args: unknown[]): void;
  /**
   * For `sendSync` only: the value the renderer's call returns. Write-only (reads give `undefined`);
   * the first assignment wins and later ones are ignored, as in Electron.
   */
  returnValue: unknown;
}

/** What `handle` handlers get (Electron's `IpcMainInvokeEvent`): no `reply`, no `returnValue`. */
export interface IpcMainInvokeEvent {
  readonly type: 'frame';
  readonly sender: WebContents;
  readonly frameId: number;
  readonly processId: number;
  readonly senderFrame: SenderFrame;
}

export const MAIN_FRAME_ID = 1;

export function createInvokeEvent(sender: WebContents): IpcMainInvokeEvent {
  return {
    type: 'frame',
    sender,
    frameId: MAIN_FRAME_ID,
    processId: sender.getProcessId(),
    senderFrame: sender.mainFrame,
  };
}

/** `send` event. `reply` goes to the sender, in order with everything else main sends it. */
export function createMessageEvent(sender: WebContents): IpcMainEvent {
  const event = createInvokeEvent(sender) as IpcMainEvent & { ports: MessagePort[] };
  event.ports = [];
  event.reply = (channel: string, ...args: unknown[]) => sender.send(channel, ...args);
  return event;
}

/** Installs a private field on any object: the constructor returns the object it is given. */
class Identity {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: installs SyncAnswer's private field on a plain object
    return target;
  }
}

/**
 * Where a sync event's answer goes, kept in a private field of the event object itself (invisible to
 * listeners: no key, no symbol), so every sync event shares one getter/setter pair. A fresh pair per
 * event (closures) made `Object.defineProperty` take V8's slow path: ~0.6 µs per sendSync.
 */
class SyncAnswer extends Identity {
  #respond: ((value: unknown) => void) | null;

  constructor(event: IpcMainEvent, respond: (value: unknown) => void) {
    super(event);
    this.#respond = respond;
  }

  /** First assignment wins; a value that cannot be cloned throws and leaves the event unanswered. */
  static answer(event: object, value: unknown): void {
    if (!(#respond in event)) return;
    const respond = (event as SyncAnswer).#respond;
    if (respond === null) return;
    respond(value);
    (event as SyncAnswer).#respond = null;
  }
}

const returnValueAccessor: PropertyDescriptor = {
  enumerable: true,
  configurable: false,
  get: () => undefined,
  set(this: object, value: unknown) {
    SyncAnswer.answer(this, value);
  },
};

/** `sendSync` event: `returnValue` is a first-wins setter whose value goes to `respond`. */
export function createSyncEvent(sender: WebContents, respond: (value: unknown) => void): IpcMainEvent {
  const event = createMessageEvent(sender);
  new SyncAnswer(event, respond);
  Object.defineProperty(event, 'returnValue', returnValueAccessor);
  return event;
}
