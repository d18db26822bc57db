import { fork } from 'node:child_process';

const READY_TIMEOUT_MS = 10_000;
const STDERR_KEEP_CHARS = 4000;

/** How a child process ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A forked helper process that says `{ type: 'ready', ... }` once up and answers `{ id, cmd }` requests. */
export interface Forked {
  readonly pid: number;
  /** The ready message. */
  readonly ready: Record<string, unknown>;
  /** Set once the child has exited. */
  readonly exit: ChildExit | undefined;
  readonly exited: Promise<ChildExit>;
  /** Sends a command and resolves with its reply; rejects after `timeoutMs` or when the child is gone. */
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

/** Forks `script` and resolves once it sent its ready message. */
export async function forkReady(script: string, args: string[], execArgv: string[] = []): Promise<Forked> {
  const child = fork(script, args, { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
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
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} not ready within ${READY_TIMEOUT_MS} ms: ${stderr}`));
    }, READY_TIMEOUT_MS);
    child.on('message', (message: Record<string, unknown>) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message);
      } else replies.get(message.id as number)?.(message);
    });
    exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited before ready (${JSON.stringify(how)}): ${stderr}`));
    });
  });
  return {
    pid: child.pid!,
    ready,
    get exit() {
      return exit;
    },
    exited,
    request<T>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 5_000): Promise<T> {
      if (exit || !child.connected) {
        return Promise.reject(new Error(`${script} is gone (${JSON.stringify(exit)})`));
      }
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          replies.delete(id);
          reject(new Error(`${script} did not answer '${cmd}' within ${timeoutMs} ms`));
        }, timeoutMs);
        replies.set(id, (reply) => {
          clearTimeout(timer);
          replies.delete(id);
          resolve(reply as T);
        });
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
