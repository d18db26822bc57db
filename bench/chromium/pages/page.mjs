// What every bench page shares: its parameters, a macrotask yield without timer clamping, and the
// report back to the server (POST /bench-result), errors included.
import { sizes } from '../../suite/sizes.mjs';

const params = new URLSearchParams(location.search);
export const scenario = params.get('scenario');
export const size = sizes(params.get('quick') === '1');

export function report(result) {
  return fetch('/bench-result', { method: 'POST', body: JSON.stringify(result) });
}

addEventListener('error', (event) => report({ error: String(event.error?.stack ?? event.message) }));
addEventListener('unhandledrejection', (event) =>
  report({ error: String(event.reason?.stack ?? event.reason) }),
);

/** Runs `measure()` and reports its result (or its error), with the clock's isolation state. */
export async function run(measure) {
  try {
    const result = await measure();
    await report({ ...result, crossOriginIsolated: self.crossOriginIsolated });
  } catch (error) {
    await report({ error: String(error?.stack ?? error) });
  }
}

const channel = new MessageChannel();
const wakeUps = [];
channel.port1.onmessage = () => wakeUps.shift()();
/** A new task (MessageChannel: not clamped like nested timers). */
export const yieldTask = () =>
  new Promise((resolve) => {
    wakeUps.push(resolve);
    channel.port2.postMessage(0);
  });
