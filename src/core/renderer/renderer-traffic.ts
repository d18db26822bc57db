import type { TrafficKind } from '../shared/traffic-kinds.js';

/** One message as this renderer saw it, for a traffic panel or a test. */
export interface RendererTrafficRecord {
  /** `out`: this renderer sent it; `in`: it came from main. */
  readonly direction: 'out' | 'in';
  readonly kind: TrafficKind;
  readonly channel: string;
  /** Encoded size of the message. */
  readonly bytes: number;
  /** For replies: milliseconds from the call to its reply. */
  readonly durationMs?: number;
  /** For replies: false when the invoke was rejected by main. */
  readonly ok?: boolean;
}

export type RendererTrafficListener = (record: RendererTrafficRecord) => void;

export { now, trafficKindOf } from '../shared/traffic-kinds.js';
