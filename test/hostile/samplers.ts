import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Forked, forkReady } from './forked.js';

/** What a healthy renderer saw while an attack ran. */
export interface RoundTripReport {
  /** Round trips measured (an invoke still pending at the end counts with the time it waited). */
  readonly count: number;
  readonly maxMs: number;
  readonly p99Ms: number;
  readonly medianMs: number;
  /** Invokes that failed (rejected, or answered with the wrong value). */
  readonly failures: readonly string[];
}

const HEALTHY_SCRIPT = fileURLToPath(new URL('./healthy-child.mjs', import.meta.url));

/**
 * A healthy renderer in its own process (test/hostile/healthy-child.mjs) that measures round trips to
 * main: a steady stream of small invokes (`'echo'`), one every `intervalMs`.
 */
export class RoundTripProbe {
  private constructor(private readonly child: Forked) {}

  /** Connects the probe's renderer to main at `url`. */
  static async connect(url: string): Promise<RoundTripProbe> {
    return new RoundTripProbe(await forkReady(HEALTHY_SCRIPT, [url]));
  }

  async start(intervalMs = 20): Promise<void> {
    await this.child.request('start', { intervalMs });
  }

  /** Stops the stream and summarises it (without waiting for an invoke main may never answer). */
  async stop(): Promise<RoundTripReport> {
    const { samples, failures } = await this.child.request<{ samples: number[]; failures: string[] }>('stop');
    samples.sort((a, b) => a - b);
    const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0;
    return {
      count: samples.length,
      maxMs: Math.round(samples.at(-1) ?? 0),
      p99Ms: Math.round(at(0.99)),
      medianMs: Math.round(at(0.5)),
      failures,
    };
  }

  close(): Promise<void> {
    return this.child.kill();
  }
}

/** Memory of the child while an attack ran. */
export interface RssReport {
  /** Highest resident set seen (the kernel's own peak, VmHWM, so a short spike is not missed). */
  readonly peakMb: number;
  /** The resident set when the watch stopped (0 when the process was gone). */
  readonly lastMb: number;
  /** True when the guard killed the child for going over `guardMb`. */
  readonly guardTripped: boolean;
}

/**
 * Watches a process's resident set from /proc (Linux): it works while the process's loop is blocked,
 * which is when it matters. Resets the kernel's peak counter first, so the peak is this watch's. Over
 * `guardMb` it kills the process (SIGKILL) to protect the machine; the test then fails on the ceiling.
 */
export class RssWatch {
  private peakKb = 0;
  private lastKb = 0;
  private tripped = false;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly pid: number,
    private readonly guardMb: number,
    intervalMs = 20,
  ) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      // Process gone or no permission: the peak then includes what came before (still an upper bound).
    }
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  private sample(): void {
    const status = readStatus(this.pid);
    if (!status) {
      this.lastKb = 0;
      return;
    }
    this.lastKb = status.rssKb;
    this.peakKb = Math.max(this.peakKb, status.rssKb, status.hwmKb);
    if (!this.tripped && status.rssKb > this.guardMb * 1024) {
      this.tripped = true;
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }

  /** The resident set now, in MB (0 when the process is gone). */
  currentMb(): number {
    this.sample();
    return Math.round(this.lastKb / 1024);
  }

  stop(): RssReport {
    this.sample();
    clearInterval(this.timer);
    return {
      peakMb: Math.round(this.peakKb / 1024),
      lastMb: Math.round(this.lastKb / 1024),
      guardTripped: this.tripped,
    };
  }
}

/** A process's resident set now, in MB (0 when it is gone). */
export function currentRssMb(pid: number): number {
  return Math.round((readStatus(pid)?.rssKb ?? 0) / 1024);
}

function readStatus(pid: number): { rssKb: number; hwmKb: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
}
