import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD_SCRIPT = fileURLToPath(new URL('./main-child.mjs', import.meta.url));
/**
 * Heap room for the child: large enough that an unbounded decode shows up as an RSS ceiling the test
 * asserts (or the RSS guard ending it) rather than as a V8 out-of-memory abort mid-attack.
 */
const CHILD_HEAP_MB = 4096;
const READY_TIMEOUT_MS = 10_000;
const STDERR_KEEP_CHARS = 4000;

/** What the child's server is created with (JSON: no functions), besides `main` and `static`. */
export interface ChildOptions {
  readonly server?: Record<string, unknown>;
}

/** How the child ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A main process under attack, in its own process (test/hostile/main-child.mjs). */
export interface MainChild {
  /** `http://127.0.0.1:<port>` of its server. */
  readonly url: string;
  readonly pid: number;
  /** Set once the child has exited. */
  readonly exit: ChildExit | undefined;
  readonly exited: Promise<ChildExit>;
  /** Sends a command (see main-child.mjs) and resolves with its reply; rejects after `timeoutMs`. */
  request<T = Record<string, unknown>>(
    cmd: string,
    args?: Record<string, unknown>,
    timeoutMs?: number,
  ): Promise<T>;
  /** The end of what the child wrote to stderr (why it crashed, if it did). */
  stderr(): string;
  /** Ends the child (SIGKILL) and waits until it is gone. */
  kill(): Promise<void>;
}

/** Starts a main process from dist/ and resolves once its server listens. */
export async function startMainChild(options: ChildOptions = {}): Promise<MainChild> {
  const child: ChildProcess = fork(CHILD_SCRIPT, [JSON.stringify(options)], {
    execArgv: [`--max-old-space-size=${CHILD_HEAP_MB}`, '--expose-gc'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP_CHARS);
  });
  let exit: ChildExit | undefined;
  const exited = new Promise<ChildExit>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    }),
  );
  const replies = new Map<number, (reply: Record<string, unknown>) => void>();
  let nextId = 1;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`main child not ready: ${stderr}`)), READY_TIMEOUT_MS);
    child.on('message', (message: Record<string, unknown>) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.url as string);
      } else replies.get(message.id as number)?.(message);
    });
    exited.then((how) => reject(new Error(`main child exited before ready (${how.code}): ${stderr}`)));
  });
  return {
    url,
    pid: child.pid!,
    get exit() {
      return exit;
    },
    exited,
    request<T>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 5_000): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          replies.delete(id);
          reject(new Error(`main child did not answer '${cmd}' within ${timeoutMs} ms`));
        }, timeoutMs);
        replies.set(id, (reply) => {
          clearTimeout(timer);
          replies.delete(id);
          resolve(reply as T);
        });
        if (exit || !child.connected) {
          clearTimeout(timer);
          reject(new Error(`main child is gone (${JSON.stringify(exit)})`));
          return;
        }
        child.send({ ...args, id, cmd });
      });
    },
    stderr: () => stderr,
    async kill() {
      if (!exit) child.kill('SIGKILL');
      await exited;
    },
  };
}
