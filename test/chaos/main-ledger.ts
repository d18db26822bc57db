import type { IpcServer, Main, WebContents } from '../../src/main.js';
import type { StreamReport } from './renderer-driver.js';

/** Counts a stream numbered from 0: first arrivals, duplicates, arrivals out of order, strangers. */
export class StreamCounter {
  private readonly seen: Uint8Array;
  private highest = -1;
  readonly report: StreamReport = { distinct: 0, duplicated: 0, reordered: 0, foreign: 0 };

  constructor(readonly total: number) {
    this.seen = new Uint8Array(total);
  }

  take(i: unknown): void {
    const report = this.report;
    if (!Number.isInteger(i) || (i as number) < 0 || (i as number) >= this.total) {
      report.foreign += 1;
      return;
    }
    const n = i as number;
    if (this.seen[n] === 1) {
      report.duplicated += 1;
      return;
    }
    this.seen[n] = 1;
    report.distinct += 1;
    if (n !== this.highest + 1) report.reordered += 1;
    if (n > this.highest) this.highest = n;
  }
}

/** Main's view of one renderer. */
export interface RendererLedger {
  /** The WebContents of its first message; every later message must come from the same one. */
  contents: WebContents | undefined;
  /** Messages that came from another WebContents than the first. */
  senderChanges: number;
  up: StreamCounter;
  /** Main's numbered messages to this renderer: how many in all, and how many sent so far. */
  downTotal: number;
  downSent: number;
  /** Runs per call id: a handler that ran twice shows as a 2. */
  invokeRuns: Map<number, number>;
  syncRuns: Map<number, number>;
}

export interface LedgerPlan {
  renderers: number;
  upTotal: number;
  downTotal: number;
  /** Main sends at most this many messages past what the renderer last said it had. */
  downWindow: number;
}

/** Everything main saw during the run. */
export interface MainLedger {
  readonly renderers: RendererLedger[];
  /** WebContents that emitted 'destroyed' while the run was on. */
  readonly destroyed: number[];
  readonly created: WebContents[];
  connectionLost: number;
  connectionResumed: number;
  replayedFrames: number;
  /** Ends the run: what is destroyed from now on is cleanup. */
  stop(): void;
}

/** Every how many invokes the handler answers after a short wait, so replies are in flight at cuts. */
const SLOW_INVOKE_EVERY = 7;

/** Registers main's side of the chaos traffic and the WebContents watchers. */
export function installMainLedger(main: Main, server: IpcServer, plan: LedgerPlan): MainLedger {
  let running = true;
  const ledger: MainLedger = {
    renderers: Array.from({ length: plan.renderers }, () => ({
      contents: undefined,
      senderChanges: 0,
      up: new StreamCounter(plan.upTotal),
      downTotal: plan.downTotal,
      downSent: 0,
      invokeRuns: new Map(),
      syncRuns: new Map(),
    })),
    destroyed: [],
    created: [],
    connectionLost: 0,
    connectionResumed: 0,
    replayedFrames: 0,
    stop() {
      running = false;
    },
  };
  server.on('web-contents-created', (contents: WebContents) => {
    ledger.created.push(contents);
    contents.on('destroyed', () => {
      if (running) ledger.destroyed.push(contents.id);
    });
    contents.on('connection-lost', () => (ledger.connectionLost += 1));
    contents.on('connection-resumed', (info: { replayedFrames: number }) => {
      ledger.connectionResumed += 1;
      ledger.replayedFrames += info.replayedFrames;
    });
  });

  const of = (index: number, sender: WebContents): RendererLedger => {
    const renderer = ledger.renderers[index];
    if (renderer === undefined) throw new Error(`no renderer ${index}`);
    renderer.contents ??= sender;
    if (renderer.contents !== sender) renderer.senderChanges += 1;
    return renderer;
  };
  const count = (runs: Map<number, number>, id: number) => runs.set(id, (runs.get(id) ?? 0) + 1);
  const topUp = (renderer: RendererLedger, downReceived: number) => {
    const contents = renderer.contents;
    if (contents === undefined || contents.isDestroyed()) return;
    const limit = Math.min(plan.downTotal, downReceived + plan.downWindow);
    while (renderer.downSent < limit) {
      contents.send('chaos:down', renderer.downSent);
      renderer.downSent += 1;
    }
  };

  main.ipcMain.on('chaos:up', (event, index: number, i: number) => of(index, event.sender).up.take(i));
  main.ipcMain.handle('chaos:call', async (event, index: number, id: number, downReceived: number) => {
    const renderer = of(index, event.sender);
    count(renderer.invokeRuns, id);
    const upReceived = renderer.up.report.distinct;
    topUp(renderer, downReceived);
    if (id % SLOW_INVOKE_EVERY === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    return { value: id * 2 + 1, upReceived };
  });
  main.ipcMain.on('chaos:sync', (event, index: number, id: number) => {
    const renderer = of(index, event.sender);
    count(renderer.syncRuns, id);
    event.returnValue = { value: id * 3 + 1, upReceived: renderer.up.report.distinct };
  });
  return ledger;
}
