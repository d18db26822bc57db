import { fileURLToPath } from 'node:url';
import { type Forked, forkReady } from './forked.js';

const MAIN_SCRIPT = fileURLToPath(new URL('./main-child.mjs', import.meta.url));
/**
 * Heap room for the child: large enough that an unbounded decode shows up as an RSS ceiling the test
 * asserts (or the RSS guard ending it) rather than as a V8 out-of-memory abort mid-attack.
 */
const CHILD_HEAP_MB = 4096;

/** What the child's server is created with (JSON: no functions), besides `main` and `static`. */
export interface ChildOptions {
  /** Options of the child's `createMain` (besides its logger). */
  readonly main?: Record<string, unknown>;
  readonly server?: Record<string, unknown>;
}

/** A main process under attack, in its own process (test/hostile/main-child.mjs). */
export interface MainChild extends Forked {
  /** `http://127.0.0.1:<port>` of its server. */
  readonly url: string;
}

/** Starts a main process from dist/ and resolves once its server listens. */
export async function startMainChild(options: ChildOptions = {}): Promise<MainChild> {
  const forked = await forkReady(
    MAIN_SCRIPT,
    [JSON.stringify(options)],
    [`--max-old-space-size=${CHILD_HEAP_MB}`, '--expose-gc'],
  );
  return Object.assign(Object.create(forked) as Forked, { url: forked.ready.url as string });
}
