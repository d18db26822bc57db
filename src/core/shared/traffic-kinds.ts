import { MessageKind } from '../../protocol/messages.js';

/** What a traffic record (main's or a renderer's) is about: the IPC call that made the message. */
export type TrafficKind =
  // From a renderer.
  | 'send'
  | 'sendSync'
  | 'invoke'
  | 'sendToHost'
  | 'sendTo'
  | 'webviewSend'
  // From main.
  | 'message'
  | 'hostMessage'
  | 'invokeReply'
  | 'syncReply'
  // Either way: `ipcRenderer.postMessage` towards main, `webContents.postMessage` towards a renderer.
  | 'postMessage';

/** The traffic kind of each message kind a traffic record is made for (replies are recorded apart). */
export const trafficKindOf: Partial<Record<number, TrafficKind>> = {
  [MessageKind.Send]: 'send',
  [MessageKind.SendSync]: 'sendSync',
  [MessageKind.Invoke]: 'invoke',
  [MessageKind.SendToHost]: 'sendToHost',
  [MessageKind.SendTo]: 'sendTo',
  [MessageKind.WebviewSend]: 'webviewSend',
  [MessageKind.Message]: 'message',
  [MessageKind.HostMessage]: 'hostMessage',
  [MessageKind.RendererPostMessage]: 'postMessage',
  [MessageKind.MainPostMessage]: 'postMessage',
};

/** A monotonic clock in milliseconds where there is one (latencies), `Date.now` otherwise. */
export const now: () => number =
  typeof performance === 'object' && typeof performance.now === 'function'
    ? () => performance.now()
    : Date.now;
