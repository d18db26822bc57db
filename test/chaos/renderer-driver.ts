/**
 * One renderer's side of the chaos run. It runs unchanged in Node and in a Chromium page (the test
 * sends its source to the page), so it is one self-contained function: no imports, no outer names.
 */

/** The least of a renderer that the driver uses: a Node `IpcRenderer` or a page's. */
export interface DrivenRenderer {
  send(channel: string, ...args: unknown[]): void;
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  sendSync(channel: string, ...args: unknown[]): unknown;
  on(channel: string, listener: (event: unknown, ...args: any[]) => void): unknown;
}

/** A connection event as the driver sees it. */
export interface SeenConnectionEvent {
  state: string;
  webContentsId?: number;
}

/** What one renderer does. */
export interface DrivePlan {
  index: number;
  /** Messages this renderer sends to main, numbered from 0. */
  upTotal: number;
  /** Messages main sends to this renderer, numbered from 0. */
  downTotal: number;
  /** Sends between two invokes: the invoke's reply acknowledges them, which bounds what is in flight. */
  batch: number;
  /** Invokes in flight at once. */
  inFlight: number;
  /** A `sendSync` every this many batches (pages); 0: none (Node clients cannot). */
  syncEvery: number;
  /** The driver gives up after this long and says so in its report. */
  timeoutMs: number;
  /** How long to listen for late (duplicated) messages after everything arrived. */
  settleMs: number;
}

/** A stream's arrivals, numbered from 0, as one side counted them. */
export interface StreamReport {
  distinct: number;
  duplicated: number;
  /** Arrivals (first ones) that did not come right after the highest number seen so far. */
  reordered: number;
  /** Arrivals whose number is not one the stream ever had. */
  foreign: number;
}

/** What one call kind (invoke or sendSync) gave. */
export interface CallsReport {
  made: number;
  returned: number;
  wrongValue: number;
  /** Returned with main having seen a different number of sends before it: ordering across kinds broke. */
  orderBroken: number;
  failed: number;
  /** The first failures' codes and messages. */
  failures: string[];
}

/** What one renderer saw. */
export interface RendererReport {
  index: number;
  upSent: number;
  down: StreamReport;
  invokes: CallsReport;
  syncs: CallsReport;
  /** How often each connection state was reported. */
  states: Record<string, number>;
  /** The WebContents ids the connection events named. */
  webContentsIds: number[];
  timedOut: boolean;
  /** What ended the run early: an exception out of `send`, or the connection closing for good. */
  error?: string;
  ms: number;
}

/**
 * Sends `upTotal` numbered messages in batches, each batch followed by an invoke that tells main how
 * many of main's messages arrived (main sends more only then, so nothing grows without bound), and
 * from pages a `sendSync` every `syncEvery` batches; counts main's numbered messages as they arrive.
 */
export async function driveRenderer(
  ipc: DrivenRenderer,
  watchConnection: (listener: (event: SeenConnectionEvent) => void) => void,
  plan: DrivePlan,
): Promise<RendererReport> {
  const started = Date.now();
  const describe = (thrown: unknown) => {
    const e = thrown as { code?: string; message?: string } | undefined;
    return `${e?.code ?? 'no code'}: ${e?.message ?? String(thrown)}`;
  };
  const states: Record<string, number> = {};
  const ids: number[] = [];
  let error: string | undefined;
  watchConnection((event) => {
    states[event.state] = (states[event.state] ?? 0) + 1;
    if (event.state === 'closed')
      error ??= `the connection closed: ${describe((event as { error?: unknown }).error)}`;
    // Main forgot this renderer: what it sent is lost, and main's messages go to the old WebContents.
    if (event.state === 'new-session') error ??= `a new session began (WebContents ${event.webContentsId})`;
    if (event.webContentsId !== undefined && !ids.includes(event.webContentsId))
      ids.push(event.webContentsId);
  });

  const seen = new Uint8Array(plan.downTotal);
  const down = { distinct: 0, duplicated: 0, reordered: 0, foreign: 0 };
  let highest = -1;
  ipc.on('chaos:down', (_event, i: number) => {
    if (!Number.isInteger(i) || i < 0 || i >= plan.downTotal) {
      down.foreign += 1;
      return;
    }
    if (seen[i] === 1) {
      down.duplicated += 1;
      return;
    }
    seen[i] = 1;
    down.distinct += 1;
    if (i !== highest + 1) down.reordered += 1;
    if (i > highest) highest = i;
  });

  const newCalls = () => ({ made: 0, returned: 0, wrongValue: 0, orderBroken: 0, failed: 0, failures: [] });
  const invokes: CallsReport = newCalls();
  const syncs: CallsReport = newCalls();
  const fail = (calls: CallsReport, thrown: unknown) => {
    calls.failed += 1;
    if (calls.failures.length < 5) calls.failures.push(describe(thrown));
  };
  const check = (calls: CallsReport, reply: unknown, value: number, upSent: number) => {
    const r = reply as { value?: number; upReceived?: number } | undefined;
    calls.returned += 1;
    if (r?.value !== value) calls.wrongValue += 1;
    if (r?.upReceived !== upSent) calls.orderBroken += 1;
  };

  let upSent = 0;
  let batches = 0;
  const pending: Promise<void>[] = [];
  const timedOut = () => Date.now() - started > plan.timeoutMs;
  while ((upSent < plan.upTotal || down.distinct < plan.downTotal) && !timedOut() && error === undefined) {
    const end = Math.min(plan.upTotal, upSent + plan.batch);
    const sentSome = end > upSent;
    try {
      while (upSent < end) {
        ipc.send('chaos:up', plan.index, upSent);
        upSent += 1;
      }
    } catch (thrown) {
      error = `send threw: ${describe(thrown)}`;
      break;
    }
    // Once all is sent, the loop only asks main for the rest of its messages: no more sendSync.
    if (sentSome) batches += 1;
    if (sentSome && plan.syncEvery > 0 && batches % plan.syncEvery === 0) {
      const id = syncs.made;
      syncs.made += 1;
      try {
        check(syncs, ipc.sendSync('chaos:sync', plan.index, id, upSent), id * 3 + 1, upSent);
      } catch (thrown) {
        fail(syncs, thrown);
      }
    }
    const id = invokes.made;
    const upAtCall = upSent;
    invokes.made += 1;
    pending.push(
      ipc.invoke('chaos:call', plan.index, id, down.distinct, upAtCall).then(
        (reply) => check(invokes, reply, id * 2 + 1, upAtCall),
        (thrown) => fail(invokes, thrown),
      ),
    );
    if (pending.length >= plan.inFlight) {
      // A call that never settles must not hang the run: the deadline ends the wait.
      const left = Math.max(1, plan.timeoutMs - (Date.now() - started));
      await Promise.race([pending.shift(), new Promise((resolve) => setTimeout(resolve, left))]);
    }
  }
  const left = Math.max(1, plan.timeoutMs - (Date.now() - started));
  await Promise.race([Promise.all(pending), new Promise((resolve) => setTimeout(resolve, left))]);
  const gaveUp = timedOut() || invokes.returned + invokes.failed < invokes.made;
  await new Promise((resolve) => setTimeout(resolve, plan.settleMs));
  return {
    index: plan.index,
    upSent,
    down,
    invokes,
    syncs,
    states,
    webContentsIds: ids,
    timedOut: gaveUp,
    error,
    ms: Date.now() - started,
  };
}
