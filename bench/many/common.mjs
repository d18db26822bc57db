// The many-renderer scenarios (issue 17), shared by the three variants (ipc-anywhere, raw ws,
// socket.io). Each variant file is the server (main; the process the suite starts) and, with role
// `client`, one Node process holding every client connection.
//
// - `invoke`: every client keeps one call in flight (the next leaves when the reply arrives); the
//   client process reports calls per second and latency percentiles over all clients.
// - `broadcast`: main sends `rounds` small messages to every client, one loop over the clients per
//   round, then an end marker; each client answers `done` at the marker, after checking it got every
//   message of the pass in order. Main reports delivered messages per second (clients × rounds from the
//   first send to the last `done`).
import { medianOfPasses, now, summarize } from '../suite/drive.mjs';
import { report, runNode } from '../suite/proc.mjs';

export const quick = process.argv.includes('--quick');
const [, , roleArg, scenarioArg, urlArg] = process.argv;
export const role = roleArg;
export const scenario = scenarioArg;
/** `broadcast`: a `send` loop over every client; `broadcast-api`: the variant's own broadcast call. */
const isBroadcast = scenario === 'broadcast' || scenario === 'broadcast-api';
export const clientUrl = urlArg;

export const CLIENTS = quick ? 20 : 1_000;
const INVOKE_MS = quick ? 200 : 1_500;
const ROUNDS = quick ? 5 : 100;
const PASSES = quick ? 1 : 3;

const yieldTask = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Server side. `api`: `clientCount()`, `broadcast(pass, i)` (one round to every client),
 * `broadcastEnd(pass)`, `onDone(listener)` (a client's `done` for a pass).
 */
export async function serveClients(file, url, api) {
  const args = ['client', scenario, url];
  if (quick) args.push('--quick');
  let measured;
  const result = await runNode(file, args, {
    timeoutMs: quick ? 60_000 : 240_000,
    onLine: (line, child) => {
      if (line !== '@@ready' || !isBroadcast) return;
      measureBroadcast(api).then(
        (value) => {
          measured = value;
          child.stdin.write('done\n');
        },
        (error) => {
          console.error(error);
          process.exit(1);
        },
      );
    },
  });
  report(measured ? { ...measured, clients: result.clients } : result);
}

async function measureBroadcast(api) {
  const clients = api.clientCount();
  if (clients !== CLIENTS) throw new Error(`${clients} clients connected, expected ${CLIENTS}`);
  let pass = 0;
  const onePass = async () => {
    pass++;
    let done = 0;
    const all = new Promise((resolve) => {
      api.onDone((donePass) => {
        if (donePass === pass && ++done === clients) resolve();
      });
    });
    const start = now();
    for (let i = 0; i < ROUNDS; i++) {
      api.broadcast(pass, i);
      // A task between rounds, as an application's timer or request handler would send them.
      if (i % 10 === 9) await yieldTask();
    }
    api.broadcastEnd(pass);
    await all;
    const ms = now() - start;
    return { ms, perSecond: (clients * ROUNDS) / (ms / 1000) };
  };
  return medianOfPasses(PASSES, onePass, 'perSecond');
}

/**
 * Client side. `api.open()` resolves with a client once it made one round trip: `{ call(i) }` (a
 * round trip), `onBroadcast(onMessage(pass, i), onEnd(pass))`, `done(pass)`, `close()`.
 */
export async function runClients(api) {
  const clients = [];
  for (let i = 0; i < CLIENTS; i += 50) {
    const batch = [];
    for (let j = i; j < Math.min(CLIENTS, i + 50); j++) batch.push(api.open());
    clients.push(...(await Promise.all(batch)));
  }
  if (scenario === 'invoke') {
    const warm = await invokeAll(clients, INVOKE_MS / 3);
    // This process's CPU time over the timed window, and the window (for gc-window.mjs).
    const cpuBefore = process.cpuUsage();
    const windowStart = Date.now();
    const measured = await invokeAll(clients, INVOKE_MS);
    const cpu = process.cpuUsage(cpuBefore);
    report({
      ...measured,
      warmPerSecond: warm.perSecond,
      clients: clients.length,
      window: [windowStart, Date.now()],
      clientCpuPerCall: { user: cpu.user / measured.calls, system: cpu.system / measured.calls },
    });
  } else if (isBroadcast) {
    for (const client of clients) {
      let expected = 0;
      let passOfRounds;
      client.onBroadcast(
        (pass, i) => {
          if (i === 0) passOfRounds = pass;
          if (i !== expected || pass !== passOfRounds)
            throw new Error(
              `round ${i} of pass ${pass} arrived when ${expected} of ${passOfRounds} was next`,
            );
          expected++;
        },
        (pass) => {
          if (expected !== ROUNDS || pass !== passOfRounds)
            throw new Error(`pass ${pass} ended after ${expected} of ${ROUNDS} rounds`);
          expected = 0;
          client.done(pass);
        },
      );
    }
    process.stdout.write('@@ready\n');
    await new Promise((resolve) => process.stdin.once('data', resolve));
    report({ clients: clients.length });
  } else throw new Error(`unknown scenario ${scenario}`);
  for (const client of clients) client.close();
  process.exit(0);
}

/** Every client keeps one call in flight for `ms`: calls per second and latency over all of them. */
async function invokeAll(clients, ms) {
  const samples = [];
  const start = now();
  const stopAt = start + ms;
  let calls = 0;
  await Promise.all(
    clients.map(async (client, c) => {
      for (let i = 0; now() < stopAt; i++) {
        const sent = now();
        await client.call(c * 1_000_000 + i);
        samples.push(now() - sent);
        calls++;
      }
    }),
  );
  const elapsed = now() - start;
  return { ...summarize(samples), perSecond: calls / (elapsed / 1000), calls };
}
