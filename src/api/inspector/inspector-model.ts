import type { MainTrafficRecord } from '../../core/main/main-traffic.js';
import type { WebContents } from '../../core/main/web-contents-impl.js';
import type { Main } from '../main-context.js';
import { LatencyHistogram, type LatencySummary } from './latency-histogram.js';
import { previewOf } from './preview.js';

/** Entries the timeline keeps (the newest; older ones fall off). */
export const TIMELINE_ENTRIES = 1000;
/** Refusals, drops, closed connections and failed calls kept for the errors panel. */
const ERROR_ENTRIES = 100;
/** Channels counted one by one; a renderer inventing names past this lands in one shared row. */
export const MAX_CHANNELS = 500;
/** The row of {@link MAX_CHANNELS}' overflow (no real channel name starts with a NUL). */
export const OTHER_CHANNELS = '\u0000other';
/** Destroyed renderers still listed (the most recent). */
const ENDED_RENDERERS = 50;
/** Renderers listed in one snapshot (with the total, so the page can say how many are not shown). */
const LISTED_RENDERERS = 200;
const LISTED_CHANNELS = 200;

export type LinkState = 'connected' | 'suspended' | 'destroyed';

export interface RendererView {
  readonly id: number;
  readonly type: string;
  readonly url: string;
  readonly origin: string;
  /** When it connected (`Date.now()`); when `sinceExact` is false, when the inspector first saw it. */
  readonly since: number;
  readonly sinceExact: boolean;
  readonly state: LinkState;
  readonly endedAt?: number;
  readonly messages: number;
  readonly bytes: number;
}

export interface ChannelView {
  readonly channel: string;
  readonly in: number;
  readonly out: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Refused, dropped, and failed calls. */
  readonly errors: number;
  readonly invoke?: LatencySummary;
  readonly sendSync?: LatencySummary;
}

/** One line of the timeline, as the page gets it. */
export interface TimelineEntry {
  /** Numbered from 1 in arrival order: the page sees gaps where entries were skipped. */
  readonly n: number;
  readonly time: number;
  readonly direction: MainTrafficRecord['direction'];
  readonly kind: MainTrafficRecord['kind'];
  readonly webContentsId: number;
  readonly channel: string;
  readonly bytes: number;
  readonly outcome: MainTrafficRecord['outcome'];
  readonly code?: string;
  readonly error?: string;
  readonly durationMs?: number;
  readonly ok?: boolean;
  /** The values, cut short (see {@link previewOf}). */
  readonly preview: string;
}

export interface Snapshot {
  readonly time: number;
  readonly startedAt: number;
  readonly totals: { readonly messages: number; readonly bytes: number; readonly errors: number };
  readonly renderers: readonly RendererView[];
  readonly renderersTotal: number;
  readonly channels: readonly ChannelView[];
  readonly channelsTotal: number;
  readonly errors: readonly TimelineEntry[];
}

interface RendererState {
  readonly contents: WebContents;
  readonly since: number;
  sinceExact: boolean;
  state: LinkState;
  endedAt?: number;
  messages: number;
  bytes: number;
  readonly unlisten: () => void;
}

interface ChannelState {
  in: number;
  out: number;
  bytesIn: number;
  bytesOut: number;
  errors: number;
  invoke?: LatencyHistogram;
  sendSync?: LatencyHistogram;
}

/**
 * What the inspector knows of one main: its renderers and their link state, per-channel counts and
 * latency histograms, the recent timeline with previews, and the recent errors. Every part is bounded
 * (entries, channels, destroyed renderers), so a busy or hostile renderer cannot make it grow.
 */
export class InspectorModel {
  readonly startedAt = Date.now();
  readonly #renderers = new Map<number, RendererState>();
  readonly #ended: number[] = [];
  readonly #channels = new Map<string, ChannelState>();
  readonly #timeline: TimelineEntry[] = [];
  readonly #errors: TimelineEntry[] = [];
  #count = 0;
  #bytes = 0;
  #errorCount = 0;
  readonly #stop: () => void;

  constructor(private readonly main: Main) {
    this.#stop = main.onTraffic((record) => this.#record(record));
    for (const contents of main.webContents.getAllWebContents()) this.track(contents, false);
  }

  /** Lists `contents` and follows its link state; `exact`: it connected just now. */
  track(contents: WebContents, exact = true): void {
    const known = this.#renderers.get(contents.id);
    if (known) {
      // Its first messages may come before the server says it connected: it did, just now.
      if (exact && known.contents === contents) known.sinceExact = true;
      return;
    }
    if (contents.isDestroyed()) return;
    const onLost = () => this.#setState(contents.id, 'suspended');
    const onResumed = () => this.#setState(contents.id, 'connected');
    const onDestroyed = () => this.#destroyed(contents.id);
    contents.on('connection-lost', onLost);
    contents.on('connection-resumed', onResumed);
    contents.once('destroyed', onDestroyed);
    this.#renderers.set(contents.id, {
      contents,
      since: Date.now(),
      sinceExact: exact,
      state: 'connected',
      messages: 0,
      bytes: 0,
      unlisten: () => {
        contents.off('connection-lost', onLost);
        contents.off('connection-resumed', onResumed);
        contents.off('destroyed', onDestroyed);
      },
    });
  }

  /** Timeline entries after number `after` (all of them for 0), oldest first. */
  entriesAfter(after: number): TimelineEntry[] {
    const timeline = this.#timeline;
    const first = Math.max(0, timeline.length - TIMELINE_ENTRIES);
    let start = timeline.length;
    while (start > first && timeline[start - 1]!.n > after) start--;
    return timeline.slice(start);
  }

  /** The number of the newest entry (0 before the first). */
  get lastEntry(): number {
    return this.#count;
  }

  snapshot(): Snapshot {
    // Renderers that connected some other way (a worker, another server) are picked up here.
    for (const contents of this.main.webContents.getAllWebContents()) {
      if (!this.#renderers.has(contents.id)) this.track(contents, false);
    }
    const renderers: RendererView[] = [];
    for (const state of this.#renderers.values()) {
      if (renderers.length === LISTED_RENDERERS) break;
      renderers.push(viewOf(state));
    }
    const channels = [...this.#channels]
      .sort(([, a], [, b]) => b.in + b.out - (a.in + a.out))
      .slice(0, LISTED_CHANNELS)
      .map(([channel, state]) => channelView(channel, state));
    return {
      time: Date.now(),
      startedAt: this.startedAt,
      totals: { messages: this.#count, bytes: this.#bytes, errors: this.#errorCount },
      renderers,
      renderersTotal: this.#renderers.size,
      channels,
      channelsTotal: this.#channels.size,
      errors: this.#errors.slice(-ERROR_ENTRIES),
    };
  }

  /** Stops listening to main and to every renderer. */
  close(): void {
    this.#stop();
    for (const state of this.#renderers.values()) state.unlisten();
    this.#renderers.clear();
  }

  #record(record: MainTrafficRecord): void {
    this.#count += 1;
    this.#bytes += record.bytes;
    const failed = record.outcome !== 'ok' || record.ok === false;
    const renderer = this.#renderers.get(record.webContentsId) ?? this.#discover(record.webContentsId);
    if (renderer) {
      renderer.messages += 1;
      renderer.bytes += record.bytes;
    }
    if (record.kind !== 'connection') this.#countChannel(record, failed);
    const entry: TimelineEntry = {
      n: this.#count,
      time: record.time,
      direction: record.direction,
      kind: record.kind,
      webContentsId: record.webContentsId,
      channel: record.channel,
      bytes: record.bytes,
      outcome: record.outcome,
      // One shape for every entry (absent fields are undefined, and JSON leaves them out): cheaper.
      code: record.code,
      error: record.error?.slice(0, 500),
      durationMs: record.durationMs,
      ok: record.ok,
      preview: record.args === undefined ? '' : previewOf(record.args),
    };
    push(this.#timeline, entry, TIMELINE_ENTRIES);
    if (failed) {
      this.#errorCount += 1;
      push(this.#errors, entry, ERROR_ENTRIES);
    }
  }

  #countChannel(record: MainTrafficRecord, failed: boolean): void {
    let key = record.channel;
    let channel = this.#channels.get(key);
    if (!channel) {
      if (this.#channels.size >= MAX_CHANNELS) key = OTHER_CHANNELS;
      channel = this.#channels.get(key);
      if (!channel) {
        channel = { in: 0, out: 0, bytesIn: 0, bytesOut: 0, errors: 0 };
        this.#channels.set(key, channel);
      }
    }
    if (record.direction === 'in') {
      channel.in += 1;
      channel.bytesIn += record.bytes;
    } else {
      channel.out += 1;
      channel.bytesOut += record.bytes;
    }
    if (failed) channel.errors += 1;
    if (record.durationMs === undefined) return;
    if (record.kind === 'invokeReply') (channel.invoke ??= new LatencyHistogram()).add(record.durationMs);
    else if (record.kind === 'syncReply')
      (channel.sendSync ??= new LatencyHistogram()).add(record.durationMs);
  }

  #discover(id: number): RendererState | undefined {
    const contents = this.main.webContents.fromId(id);
    if (!contents) return undefined;
    this.track(contents, false);
    return this.#renderers.get(id);
  }

  #setState(id: number, state: LinkState): void {
    const renderer = this.#renderers.get(id);
    if (renderer && renderer.state !== 'destroyed') renderer.state = state;
  }

  #destroyed(id: number): void {
    const renderer = this.#renderers.get(id);
    if (!renderer) return;
    renderer.state = 'destroyed';
    renderer.endedAt = Date.now();
    renderer.unlisten();
    this.#ended.push(id);
    if (this.#ended.length > ENDED_RENDERERS) this.#renderers.delete(this.#ended.shift()!);
  }
}

function viewOf(state: RendererState): RendererView {
  const contents = state.contents;
  const frame = contents.mainFrame;
  return {
    id: contents.id,
    type: contents.getType(),
    url: frame.url.slice(0, 500),
    origin: frame.origin.slice(0, 200),
    since: state.since,
    sinceExact: state.sinceExact,
    state: state.state,
    ...(state.endedAt !== undefined && { endedAt: state.endedAt }),
    messages: state.messages,
    bytes: state.bytes,
  };
}

function channelView(channel: string, state: ChannelState): ChannelView {
  return {
    channel: channel.slice(0, 200),
    in: state.in,
    out: state.out,
    bytesIn: state.bytesIn,
    bytesOut: state.bytesOut,
    errors: state.errors,
    ...(state.invoke && { invoke: state.invoke.summary() }),
    ...(state.sendSync && { sendSync: state.sendSync.summary() }),
  };
}

/**
 * Appends to a list of which only the newest `max` count, letting older ones go in batches (up to
 * `max` extra are kept in between: one splice per `max` appends rather than one per append).
 */
function push<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length >= 2 * max) list.splice(0, list.length - max);
}
