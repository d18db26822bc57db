import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import {
  type MainToRendererExecuteJavaScript,
  type MainToRendererPageCommand,
  MessageKind,
  PageCommand,
  PageEvent,
  type RendererToMainConsoleMessage,
  type RendererToMainPageState,
  type RendererToMainScriptResult,
} from '../../protocol/messages.js';
import type { Logger } from './logger.js';
import { claimLoad, startLoad } from './page-loads.js';
import { lifecycleEvent, PageReports } from './page-reports.js';
import { PageScripts } from './page-scripts.js';
import type { WebContents } from './web-contents-impl.js';

/** How the WebSocket transport words a page socket that the browser closed. */
const PAGE_SOCKET_CLOSED = "The page's socket closed";

type PageMessage = Omit<MainToRendererExecuteJavaScript, 'seq'> | Omit<MainToRendererPageCommand, 'seq'>;

/** What a page channel needs from its session. */
export interface PageChannelHost {
  readonly contents: WebContents;
  readonly world: object;
  readonly logger: Logger;
  /** Sends in order with everything else (throws like `enqueue`: too large, not cloneable). */
  send(message: PageMessage): void;
  /** The page broke the rules: its connection closes. */
  reject(reason: IpcError): void;
}

/**
 * The page side of one main session: the lifecycle reports a page sends and the commands main sends it
 * (`executeJavaScript`, `reload`, `loadURL`, console reporting). Created on demand: a renderer that is
 * no page never needs one.
 */
export class PageChannel {
  #reports: PageReports | undefined;
  #scripts: PageScripts | undefined;

  constructor(private readonly host: PageChannelHost) {}

  get reports(): PageReports | undefined {
    return this.#reports;
  }

  /** A lifecycle report: only pages send them. */
  report(message: RendererToMainPageState): void {
    const { contents } = this.host;
    if (!this.#fromPage('page state')) return;
    if (message.loadToken !== '' && message.event === PageEvent.Loading) {
      claimLoad(this.host.world, message.loadToken, contents, this.host.logger);
    }
    const wrong = this.#reportsOf().report(message);
    if (wrong) this.host.reject(wrong);
  }

  console(message: RendererToMainConsoleMessage): void {
    if (this.#fromPage('console messages')) this.#reportsOf().console(message);
  }

  scriptResult(message: RendererToMainScriptResult): void {
    (this.#scripts ??= new PageScripts()).settle(message);
  }

  executeJavaScript(code: string, userGesture: boolean): Promise<unknown> {
    const scripts = (this.#scripts ??= new PageScripts());
    const { id, result } = scripts.start();
    try {
      this.host.send({ kind: MessageKind.ExecuteJavaScript, id, userGesture, code });
    } catch (error) {
      scripts.fail(id, error);
    }
    return result;
  }

  reload(): void {
    this.#command(PageCommand.Reload, '', '');
  }

  loadURL(url: string): Promise<WebContents | undefined> {
    return startLoad(this.host.world, this.host.contents, url, (token) =>
      this.#command(PageCommand.LoadURL, url, token),
    );
  }

  reportConsole(on: boolean): void {
    this.#command(on ? PageCommand.ReportConsole : PageCommand.StopConsole, '', '');
  }

  /**
   * The session is over: pending scripts reject, and a renderer that vanished gets its last event.
   * `vanishedWith`: the session already knows it vanished (a drop it did not come back from);
   * `peerReason`: why the renderer's side ended it, when it did. Returns why it vanished, if it did.
   */
  ended(vanishedWith: IpcError | undefined, peerReason: IpcError | undefined): IpcError | undefined {
    const { contents } = this.host;
    this.#scripts?.rejectAll(
      new IpcError(IpcErrorCode.Closed, `WebContents #${contents.id} went away before the script's result.`),
    );
    const vanished = vanishedWith ?? (this.#endedSilently(peerReason) ? peerReason : undefined);
    if (vanished) emitGone(contents, vanished, this.host.logger);
    return vanished;
  }

  /**
   * A page that reported its lifecycle says goodbye (`pagehide`) before its socket closes. Chromium
   * closes the socket of a crashed or killed tab with 1001 as it does for a navigation, so a page
   * socket closed by the browser without that goodbye means the page vanished. The close reason is the
   * WebSocket transport's (socket-main-transport.ts); a server shutting down gives another one.
   */
  #endedSilently(peerReason: IpcError | undefined): boolean {
    return (
      this.#reports?.expectsGoodbye === true &&
      peerReason !== undefined &&
      peerReason.message.startsWith(PAGE_SOCKET_CLOSED)
    );
  }

  #command(command: PageCommand, url: string, token: string): void {
    this.host.send({ kind: MessageKind.PageCommand, command, url, token });
  }

  #reportsOf(): PageReports {
    return (this.#reports ??= new PageReports(this.host.contents, this.host.logger));
  }

  #fromPage(what: string): boolean {
    const type = this.host.contents.getType();
    if (type === 'window' || type === 'webview') return true;
    this.host.reject(new IpcError(IpcErrorCode.Protocol, `Only pages report ${what}.`));
    return false;
  }
}

/**
 * Electron's `'render-process-gone'`: the renderer went without a goodbye. Main cannot tell a crash
 * from a killed tab or a lost network, so the reason is always `'abnormal-exit'` and the exit code -1;
 * `error` (not in Electron) says what main saw.
 */
export function emitGone(contents: WebContents, error: IpcError, logger: Logger): void {
  try {
    contents.emit('render-process-gone', lifecycleEvent(contents), {
      reason: 'abnormal-exit',
      exitCode: -1,
      error,
    });
  } catch (listenerError) {
    logger.error(
      { err: listenerError, webContentsId: contents.id },
      `ipc-anywhere: a listener for 'render-process-gone' threw`,
    );
  }
}
