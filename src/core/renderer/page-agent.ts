import { codedErrorText, IpcError, IpcErrorCode, isIpcError } from '../../protocol/errors.js';
import {
  MessageKind,
  type PageCommand,
  type RendererToMainScriptResult,
  ScriptOutcome,
} from '../../protocol/messages.js';
import type { Unnumbered } from '../shared/sequenced-link.js';

/** How a script main asked for ended (see {@link PageAgent.runScript}). */
export type ScriptRun =
  | {
      readonly outcome: typeof ScriptOutcome.Resolved | typeof ScriptOutcome.Threw;
      readonly value: unknown;
    }
  | { readonly outcome: typeof ScriptOutcome.Failed; readonly error: IpcError };

/**
 * What a page does for main: the page script installs one on the page's own renderer. Renderers
 * without one (Node clients, workers, in-memory renderers, extra page renderers) answer scripts with
 * `ERR_IPC_NOT_A_PAGE` and ignore page commands.
 */
export interface PageAgent {
  /** Runs `code`: its completion value (awaited), what it threw, or why it could not run. Never rejects. */
  runScript(code: string, userGesture: boolean): Promise<ScriptRun>;
  command(command: PageCommand, url: string, token: string): void;
}

type ScriptResultMessage = Unnumbered<RendererToMainScriptResult>;

const noAgent: ScriptRun = {
  outcome: ScriptOutcome.Failed,
  error: new IpcError(IpcErrorCode.NotAPage, 'executeJavaScript works in pages only.'),
};

/**
 * Runs a script for main and posts its result. A result that cannot be sent (not cloneable, too
 * large) is answered with that error instead; once the connection is closed there is no one to tell.
 */
export function answerScript(
  post: (message: ScriptResultMessage) => void,
  agent: PageAgent | undefined,
  id: number,
  code: string,
  userGesture: boolean,
): void {
  const run = agent ? agent.runScript(code, userGesture) : Promise.resolve(noAgent);
  run.then((result) => {
    try {
      post(messageOf(id, result));
    } catch (error) {
      if (isIpcError(error, IpcErrorCode.Closed)) return;
      const failure = isIpcError(error) ? error : new IpcError(IpcErrorCode.NotCloneable, String(error));
      try {
        post(messageOf(id, { outcome: ScriptOutcome.Failed, error: failure }));
      } catch {
        // Closed meanwhile: main rejects the call when it learns the page is gone.
      }
    }
  });
}

function messageOf(id: number, result: ScriptRun): ScriptResultMessage {
  return result.outcome === ScriptOutcome.Failed
    ? { kind: MessageKind.ScriptResult, id, outcome: result.outcome, error: codedErrorText(result.error) }
    : { kind: MessageKind.ScriptResult, id, outcome: result.outcome, value: result.value };
}
