import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import { createSecretToken } from '../../protocol/secret-token.js';
import type { Logger } from './logger.js';
import type { WebContents } from './web-contents-impl.js';

/*
 * `webContents.loadURL(url)` when every page load is a new connection, and so a new WebContents: the
 * old page leaves a secret token in its tab (sessionStorage, which the next page of the same origin in
 * the same tab sees) and navigates; the next page presents the token in its first report, and the
 * promise resolves with that page's WebContents once it has loaded. The registry is per main world.
 */

/** How long the old page has to navigate away before `loadURL` rejects with `ERR_IPC_TIMEOUT`. */
export const LOAD_DEADLINE_MS = 30_000;
/** After the old page is gone, how long a successor has to show up before `loadURL` resolves `undefined`. */
export const SUCCESSOR_WAIT_MS = 5_000;

interface PendingLoad {
  readonly predecessor: WebContents;
  readonly url: string;
  resolve(successor: WebContents | undefined): void;
  timer: ReturnType<typeof setTimeout> | undefined;
  successor: WebContents | undefined;
  /** Removes the listeners this load put on its WebContents. */
  forget(): void;
}

const loadsOf = new WeakMap<object, Map<string, PendingLoad>>();

function registry(world: object): Map<string, PendingLoad> {
  let loads = loadsOf.get(world);
  if (!loads) loadsOf.set(world, (loads = new Map()));
  return loads;
}

export interface LoadTimings {
  readonly deadlineMs?: number;
  readonly successorWaitMs?: number;
}

/**
 * Starts a navigation of `predecessor` to `url`: `navigate(token)` sends the page its command. Resolves
 * with the page that loaded (after its `'did-finish-load'`), or `undefined` when none of this origin
 * presented the token (another origin, a page without ipc-anywhere) within `successorWaitMs` of the old
 * page going; rejects with `ERR_IPC_TIMEOUT` when the old page is still there at the deadline (it did
 * not navigate: a `beforeunload` prompt kept it, or it runs no page script).
 */
export function startLoad(
  world: object,
  predecessor: WebContents,
  url: string,
  navigate: (token: string) => void,
  timings: LoadTimings = {},
): Promise<WebContents | undefined> {
  const { deadlineMs = LOAD_DEADLINE_MS, successorWaitMs = SUCCESSOR_WAIT_MS } = timings;
  const loads = registry(world);
  const token = createSecretToken();
  return new Promise<WebContents | undefined>((resolve, reject) => {
    let settled = false;
    const settle = (value: WebContents | undefined, error?: unknown): void => {
      if (settled) return;
      settled = true;
      loads.delete(token);
      clearTimeout(load.timer);
      load.forget();
      if (error === undefined) resolve(value);
      else reject(error);
    };
    // Once a successor claimed the token, only its own load or end settles the call.
    const onPredecessorGone = (): void => {
      if (load.successor) return;
      clearTimeout(load.timer);
      load.timer = unrefTimer(() => {
        if (!load.successor) settle(undefined);
      }, successorWaitMs);
    };
    const load: PendingLoad = {
      predecessor,
      url,
      resolve: (successor) => settle(successor),
      timer: undefined,
      successor: undefined,
      forget: () => predecessor.off('destroyed', onPredecessorGone),
    };
    load.timer = unrefTimer(() => {
      if (load.successor) return;
      if (predecessor.isDestroyed()) settle(undefined);
      else
        settle(
          undefined,
          new IpcError(
            IpcErrorCode.Timeout,
            `WebContents #${predecessor.id} did not navigate to ${url} within ${deadlineMs} ms.`,
          ),
        );
    }, deadlineMs);
    loads.set(token, load);
    predecessor.once('destroyed', onPredecessorGone);
    try {
      navigate(token);
    } catch (error) {
      settle(undefined, error);
    }
  });
}

/**
 * A new page presented `token` in its first report: when a `loadURL` of its origin left it, that call
 * resolves with `successor` once it has loaded. A token is used once; an unknown or spent one is ignored.
 */
export function claimLoad(world: object, token: string, successor: WebContents, logger: Logger): void {
  const loads = loadsOf.get(world);
  const load = loads?.get(token);
  if (!load || load.successor) return;
  if (successor.mainFrame.origin !== load.predecessor.mainFrame.origin) {
    // sessionStorage never carries a token across origins: this page got it some other way.
    logger.warn(
      { code: IpcErrorCode.Refused, webContentsId: successor.id },
      `ipc-anywhere: WebContents #${successor.id} presented the load token of WebContents #${load.predecessor.id} from another origin; ignored.`,
    );
    return;
  }
  loads!.delete(token);
  load.successor = successor;
  const finished = (): void => {
    successor.off('destroyed', gone);
    load.resolve(successor);
  };
  const gone = (): void => {
    successor.off('did-finish-load', finished);
    load.resolve(undefined);
  };
  const forgetPredecessor = load.forget;
  load.forget = () => {
    forgetPredecessor();
    successor.off('did-finish-load', finished);
    successor.off('destroyed', gone);
  };
  successor.once('did-finish-load', finished);
  successor.once('destroyed', gone);
}

function unrefTimer(run: () => void, ms: number): ReturnType<typeof setTimeout> {
  const timer = setTimeout(run, ms);
  timer.unref?.();
  return timer;
}
