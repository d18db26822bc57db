import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../core/main/logger.js';
import type { InspectorModel } from './inspector-model.js';

/** Inspector pages open at once; more are answered 503 (each costs a copy of every update). */
export const MAX_VIEWERS = 8;
/**
 * Bytes a viewer may have waiting in its socket. A viewer past it (a slow network, a paused tab) gets
 * nothing more until its socket drains; what it missed is counted and told to it, never queued.
 */
export const MAX_VIEWER_BACKLOG = 1024 * 1024;
/** How often new timeline entries go out, and how often the counters (every `STATS_EVERY` ticks). */
const TICK_MS = 250;
const STATS_EVERY = 4;

interface Viewer {
  readonly res: ServerResponse;
  /** The socket did not take the last write: wait for `'drain'`. */
  congested: boolean;
  /** Timeline entries this viewer missed since its last update. */
  skipped: number;
}

/**
 * The inspector's live feed: Server-Sent Events over GET (no upgrade to share with the IPC endpoint).
 * Each update is serialized once for all viewers; a viewer that cannot keep up is skipped, with a
 * count, so main never buffers for it and never waits on it. The timer runs only while someone watches.
 */
export class InspectorStream {
  readonly #viewers = new Set<Viewer>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #ticks = 0;
  /** The newest timeline entry sent. */
  #sent = 0;

  constructor(
    private readonly model: InspectorModel,
    private readonly logger: Logger,
  ) {}

  get viewers(): number {
    return this.#viewers.size;
  }

  /** Starts the feed on `res`; answers 503 when {@link MAX_VIEWERS} are already watching. */
  open(req: IncomingMessage, res: ServerResponse): void {
    if (this.#viewers.size >= MAX_VIEWERS) {
      res
        .writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '10' })
        .end(`Too many inspector pages are open (at most ${MAX_VIEWERS}).`);
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'cross-origin-resource-policy': 'same-origin',
    });
    const viewer: Viewer = { res, congested: false, skipped: 0 };
    this.#viewers.add(viewer);
    const leave = () => this.#viewers.delete(viewer);
    req.on('close', leave);
    res.on('close', leave);
    res.on('error', leave);
    if (this.#timer === undefined) {
      this.#sent = this.model.lastEntry;
      this.#timer = setInterval(() => this.#safeTick(), TICK_MS);
      this.#timer.unref?.();
    }
    const hello = { snapshot: this.model.snapshot(), entries: this.model.entriesAfter(0) };
    this.#write(viewer, `retry: 2000\nevent: hello\ndata: ${JSON.stringify(hello)}\n\n`, 0);
  }

  /** Ends every feed (the pages see the stream close and retry). */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const viewer of this.#viewers) viewer.res.end();
    this.#viewers.clear();
  }

  /** A timer callback that throws would end the process: an inspector bug must not take main down. */
  #safeTick(): void {
    try {
      this.#tick();
    } catch (error) {
      this.logger.error({ err: error }, 'ipc-anywhere: the inspector failed to send an update');
    }
  }

  #tick(): void {
    if (this.#viewers.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    const entries = this.model.entriesAfter(this.#sent);
    const last = this.model.lastEntry;
    // Entries that came and went between two ticks (more than the timeline holds) count as skipped.
    const lost = last - this.#sent - entries.length;
    this.#sent = last;
    if (entries.length > 0 || lost > 0) {
      const chunk = `event: records\ndata: ${JSON.stringify({ entries, lost })}\n\n`;
      for (const viewer of this.#viewers) this.#write(viewer, chunk, entries.length);
    }
    this.#ticks += 1;
    if (this.#ticks % STATS_EVERY !== 0) return;
    const chunk = `event: stats\ndata: ${JSON.stringify(this.model.snapshot())}\n\n`;
    for (const viewer of this.#viewers) this.#write(viewer, chunk, 0);
  }

  /** Writes `chunk` unless the viewer is behind; then counts the `entries` it misses. */
  #write(viewer: Viewer, chunk: string, entries: number): void {
    const res = viewer.res;
    if (res.destroyed || res.writableEnded) {
      this.#viewers.delete(viewer);
      return;
    }
    if (viewer.congested || res.writableLength > MAX_VIEWER_BACKLOG) {
      viewer.skipped += entries;
      return;
    }
    if (viewer.skipped > 0) {
      res.write(`event: skipped\ndata: ${viewer.skipped}\n\n`);
      viewer.skipped = 0;
    }
    if (!res.write(chunk)) {
      viewer.congested = true;
      res.once('drain', () => {
        viewer.congested = false;
      });
    }
  }
}
