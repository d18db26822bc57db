/**
 * The page's side of its WebContents lifecycle (docs/api.md, "Page lifecycle"): reports loading,
 * DOM ready, loaded, in-page navigations and title changes to main, runs main's `executeJavaScript`,
 * `reload` and `loadURL`, and forwards console messages while main listens for them. Installed by the
 * classic script on the page's own renderer only: one page, one WebContents that reports.
 * @packageDocumentation
 */
import {
  type IpcRenderer,
  isAttached,
  onConnectionState,
  reportToMain,
  setPageAgent,
} from '../core/renderer/ipc-renderer-impl.js';
import type { ScriptRun } from '../core/renderer/page-agent.js';
import { IpcError, IpcErrorCode } from '../protocol/errors.js';
import { MessageKind, PageCommand, PageEvent, ScriptOutcome } from '../protocol/messages.js';
import { createConsoleReporter } from './page-console.browser.js';

/** Where `loadURL` leaves its token for the next page of this origin in this tab. */
const LOAD_TOKEN_KEY = 'ipc-anywhere.load-token';
/** Titles are cut to Chromium's limit (main cuts them too). */
const MAX_TITLE_LENGTH = 4096;

type Stage = typeof PageEvent.Loading | typeof PageEvent.DomReady | typeof PageEvent.Loaded;

export function installPageLifecycle(renderer: IpcRenderer): void {
  if (typeof document !== 'object') return;
  let reached = 0;
  let lastUrl = location.href;
  let lastTitle = '';
  /** Reports made before the renderer had a connection: the state is sent when it connects. */
  let skipped = false;
  const loadToken = takeLoadToken();

  const report = (event: PageEvent): void => {
    lastUrl = location.href;
    lastTitle = document.title.slice(0, MAX_TITLE_LENGTH);
    if (!isAttached(renderer)) {
      skipped = true;
      return;
    }
    reportToMain(renderer, {
      kind: MessageKind.PageState,
      event,
      httpStatus: event === PageEvent.Loading ? responseStatus() : 0,
      url: lastUrl,
      title: lastTitle,
      loadToken: event === PageEvent.Loading ? loadToken : '',
    });
  };
  const advance = (to: Stage): void => {
    while (reached < to) report(++reached as Stage);
  };
  /** Main lost the session (a new WebContents) or never had it: it learns the page's state again. */
  const resend = (): void => {
    const stage = reached;
    reached = 0;
    advance(stage as Stage);
  };
  const navigated = (always: boolean): void => {
    if (always || location.href !== lastUrl) report(PageEvent.InPageNavigation);
  };

  advance(loadedStage());
  // Electron's events come after the page's own listeners ran. DOMContentLoaded bubbles from the
  // document to the window, and a window listener added while the document has the event runs after
  // every window listener the page added before; load, fired at the window alone, is followed by a task.
  if (reached < PageEvent.DomReady) {
    document.addEventListener('DOMContentLoaded', () =>
      addEventListener('DOMContentLoaded', () => advance(PageEvent.DomReady), { once: true }),
    );
  }
  if (reached < PageEvent.Loaded) {
    addEventListener('load', () => setTimeout(advance, 0, PageEvent.Loaded));
  }
  for (const name of ['pushState', 'replaceState'] as const) {
    const original = history[name];
    history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      navigated(true);
      return result;
    };
  }
  // The goodbye that tells main this page left on purpose (a crashed tab's socket closes the same way).
  addEventListener('pagehide', () => report(PageEvent.Unloading));
  addEventListener('popstate', () => navigated(false));
  addEventListener('hashchange', () => navigated(false));
  watchTitle(() => {
    if (document.title.slice(0, MAX_TITLE_LENGTH) !== lastTitle && reached > 0)
      report(PageEvent.TitleChanged);
  });

  const consoleReporter = createConsoleReporter((message) => {
    if (isAttached(renderer)) reportToMain(renderer, { kind: MessageKind.ConsoleMessage, ...message });
  });
  onConnectionState(renderer, (event) => {
    if (event.state === 'new-session') {
      // A new WebContents: it asks for console messages itself if it wants them.
      consoleReporter.stop();
      resend();
    } else if (event.state === 'connected' && skipped) {
      skipped = false;
      resend();
    }
  });
  setPageAgent(renderer, {
    runScript,
    command(command, url, token) {
      switch (command) {
        case PageCommand.Reload:
          location.reload();
          return;
        case PageCommand.LoadURL:
          if (!/^https?:/i.test(url)) return;
          try {
            sessionStorage.setItem(LOAD_TOKEN_KEY, token);
          } catch {
            // No storage (sandboxed, disabled): the next page cannot say it is the one loaded.
          }
          location.assign(url);
          return;
        case PageCommand.ReportConsole:
          consoleReporter.start();
          return;
        case PageCommand.StopConsole:
          consoleReporter.stop();
          return;
      }
    },
  });
}

/** How far the document got before this script ran (Navigation Timing knows about past events). */
function loadedStage(): Stage {
  const timing = navigationTiming();
  if (document.readyState === 'complete' && (!timing || timing.loadEventEnd > 0)) return PageEvent.Loaded;
  if (document.readyState !== 'loading' && (!timing || timing.domContentLoadedEventEnd > 0)) {
    return PageEvent.DomReady;
  }
  return PageEvent.Loading;
}

function navigationTiming(): PerformanceNavigationTiming | undefined {
  try {
    return performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  } catch {
    return undefined;
  }
}

/** The document's HTTP status, where the browser tells it (Chromium 109+); 0 otherwise. */
function responseStatus(): number {
  return Math.max(0, (navigationTiming() as { responseStatus?: number } | undefined)?.responseStatus ?? 0);
}

function takeLoadToken(): string {
  try {
    const token = sessionStorage.getItem(LOAD_TOKEN_KEY) ?? '';
    sessionStorage.removeItem(LOAD_TOKEN_KEY);
    return /^[A-Za-z0-9_-]{43}$/.test(token) ? token : '';
  } catch {
    return '';
  }
}

/**
 * Calls `changed` when the head changes (a `<title>` set, added or replaced). Only the head is
 * watched: a page's body changes far more often and never holds its title. (This script runs in the
 * head or after it: the head exists.)
 */
function watchTitle(changed: () => void): void {
  const head = document.head;
  if (head)
    new MutationObserver(changed).observe(head, { childList: true, subtree: true, characterData: true });
}

/**
 * A page's Content Security Policy (or Trusted Types) refused to evaluate a string: Chromium and
 * WebKit name `'unsafe-eval'`, Firefox says `blocked by CSP`.
 */
function isEvalRefusal(error: unknown): boolean {
  return (
    (error instanceof EvalError || error instanceof TypeError) &&
    /unsafe-eval|CSP|TrustedScript/.test(error.message)
  );
}

/** Called through a variable, eval is indirect: the code runs in global scope, as a page script. */
// biome-ignore lint/security/noGlobalEval: executeJavaScript runs main's code in the page, as Electron's does
const evaluate: (code: string) => unknown = globalThis.eval;

/** `executeJavaScript`: the completion value, awaited when it is a Promise. */
async function runScript(code: string): Promise<ScriptRun> {
  let value: unknown;
  try {
    value = evaluate(code);
  } catch (error) {
    if (isEvalRefusal(error)) {
      return {
        outcome: ScriptOutcome.Failed,
        error: new IpcError(
          IpcErrorCode.EvalBlocked,
          `The page's CSP refused eval: ${(error as Error).message}`,
        ),
      };
    }
    return { outcome: ScriptOutcome.Threw, value: error };
  }
  try {
    return { outcome: ScriptOutcome.Resolved, value: await value };
  } catch (error) {
    return { outcome: ScriptOutcome.Threw, value: error };
  }
}
