// Child processes of the bench suite. Every process (and browser) the suite starts is its own process
// group, tracked here and killed as a group when its owner is done, when the owner exits, or on a
// signal. A bench child announces the groups it starts (`@@pgid N` on stdout), so the orchestrator can
// kill them too if the child itself dies or hangs.
import { spawn } from 'node:child_process';

const groups = new Set();
const isBenchChild = process.env.IPC_ANYWHERE_BENCH_CHILD === '1';

/** SIGKILLs process group `pgid` (ignores groups that are already gone). */
export function killGroup(pgid) {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
  groups.delete(pgid);
}

/** Kills every group this process started or was told about. */
export function killAll() {
  for (const pgid of [...groups]) killGroup(pgid);
}

/** Remembers a group started by a child of ours, so that it dies with everything else. */
export function adoptGroup(pgid) {
  groups.add(pgid);
}

process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    killAll();
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
  });
}

/**
 * Starts `command` in a new process group, tracked. Returns the ChildProcess and `exited`, a promise
 * for `{ code, signal }`.
 */
export function spawnGroup(command, args, options = {}) {
  const child = spawn(command, args, { ...options, detached: true });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  groups.add(child.pid);
  if (isBenchChild) process.stdout.write(`@@pgid ${child.pid}\n`);
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => resolve({ code: -1, signal: null, error }));
  });
  return { child, exited, kill: () => killGroup(child.pid) };
}

/**
 * Runs `node [...execArgv] script ...args` as a bench child and resolves with the JSON of its
 * `@@bench` line. Rejects when it exits without one, fails, or runs over `timeoutMs` (then its group
 * and every group it announced are killed). `onLine(line)` sees its other `@@` lines as they come.
 */
export function runNode(script, args, { timeoutMs, execArgv = [], onLine } = {}) {
  return new Promise((resolve, reject) => {
    // IPC_ANYWHERE_BENCH_PROF=dir: every bench process writes a CPU profile there (node --cpu-prof).
    const profile = process.env.IPC_ANYWHERE_BENCH_PROF;
    if (profile)
      execArgv = [...execArgv, '--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', profile];
    const { child, exited, kill } = spawnGroup(process.execPath, [...execArgv, script, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, IPC_ANYWHERE_BENCH_CHILD: '1' },
    });
    const announced = [];
    let result;
    let stderr = '';
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      let at = buffered.indexOf('\n');
      while (at >= 0) {
        const line = buffered.slice(0, at);
        buffered = buffered.slice(at + 1);
        if (line.startsWith('@@pgid ')) {
          const pgid = Number(line.slice(7));
          announced.push(pgid);
          adoptGroup(pgid);
          if (isBenchChild) process.stdout.write(`${line}\n`);
        } else if (line.startsWith('@@bench ')) {
          result = JSON.parse(line.slice(8));
        } else if (line.startsWith('@@')) {
          onLine?.(line, child);
        } else if (line.trim()) {
          stderr += `${line}\n`;
        }
        at = buffered.indexOf('\n');
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-8000);
    });
    const cleanUp = () => {
      kill();
      for (const pgid of announced) killGroup(pgid);
    };
    const timer = setTimeout(() => {
      cleanUp();
      reject(new Error(`${script} ${args.join(' ')} ran over ${timeoutMs} ms\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    exited.then(({ code, signal, error }) => {
      clearTimeout(timer);
      cleanUp();
      if (result !== undefined && code === 0) resolve(result);
      else
        reject(
          new Error(
            `${script} ${args.join(' ')} exited with ${signal ?? code}${error ? ` (${error.message})` : ''}\n${stderr.slice(-2000)}`,
          ),
        );
    });
  });
}

/** For bench children: prints the result line the orchestrator (or parent) reads. */
export function report(result) {
  process.stdout.write(`@@bench ${JSON.stringify(result)}\n`);
}
