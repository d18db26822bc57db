import type { MessagePortMain } from './message-port-main.js';
import {
  type IpcMainEvent,
  type IpcMainInvokeEvent,
  MAIN_FRAME_ID,
  type WebContents,
} from './web-contents-impl.js';

/* How main builds the event objects its listeners get (their types are in web-contents-impl.ts). */

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
  const event = createInvokeEvent(sender) as IpcMainEvent & { ports: MessagePortMain[] };
  event.ports = [];
  event.reply = (channel: string, ...args: unknown[]) => sender.send(channel, ...args);
  return event;
}

/**
 * `postMessage` event: `ports` are what the renderer transferred. Electron adds no `reply` to it (its
 * dispatch of ports skips that step), so neither do we.
 */
export function createPortsEvent(sender: WebContents, ports: MessagePortMain[]): IpcMainEvent {
  const event = createInvokeEvent(sender) as unknown as { ports: MessagePortMain[] };
  event.ports = ports;
  return event as unknown as IpcMainEvent;
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
