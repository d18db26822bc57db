import { MessageKind } from '../../protocol/messages.js';

/** One message as this renderer saw it, for a traffic panel or a test. */
export interface RendererTrafficRecord {
  /** `out`: this renderer sent it; `in`: it came from main. */
  readonly direction: 'out' | 'in';
  readonly kind:
    | 'send'
    | 'sendSync'
    | 'invoke'
    | 'sendToHost'
    | 'sendTo'
    | 'webviewSend'
    | 'message'
    | 'hostMessage'
    | 'invokeReply'
    | 'syncReply'
    | 'postMessage';
  readonly channel: string;
  /** Encoded size of the message. */
  readonly bytes: number;
  /** For replies: milliseconds from the call to its reply. */
  readonly durationMs?: number;
  /** For replies: false when the invoke was rejected by main. */
  readonly ok?: boolean;
}

export type RendererTrafficListener = (record: RendererTrafficRecord) => void;

export const trafficKindOf: Partial<Record<number, RendererTrafficRecord['kind']>> = {
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

export const now: () => number =
  typeof performance === 'object' && typeof performance.now === 'function'
    ? () => performance.now()
    : Date.now;
