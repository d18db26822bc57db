// Two workers joined by one MessagePort pair: the sender streams small messages to the receiver, which
// counts them; begin/finish travel on the same port (requests with ids). The same code for
// ipc-anywhere (ports from a MessageChannelMain, handed over with webContents.postMessage) and for the
// raw baseline (a MessageChannel handed over with workerData).
import { parentPort, workerData } from 'node:worker_threads';
import { portCaller } from '../suite/baseline-handlers.mjs';
import { medianOfPasses, oneWay, SMALL_TEXT } from '../suite/drive.mjs';
import { sizes } from '../suite/sizes.mjs';

const yieldTask = () => new Promise((resolve) => setImmediate(resolve));

/** The receiving worker: counts 'm' messages, answers 'begin' and 'finish' (once all arrived). */
function receive(port) {
  let counted = 0;
  let waiting;
  port.on('message', (message) => {
    switch (message[0]) {
      case 'm':
        counted++;
        if (waiting && counted >= waiting[0]) {
          port.postMessage([waiting[1], counted]);
          waiting = undefined;
        }
        return;
      case 'begin':
        counted = 0;
        port.postMessage([message[1], true]);
        return;
      case 'finish':
        if (counted >= message[2]) port.postMessage([message[1], counted]);
        else waiting = [message[2], message[1]];
        return;
    }
  });
}

/** The sending worker: measures and posts the result on parentPort. */
async function send(port, quick) {
  const call = portCaller(port);
  const { burst, maxCount, maxMs, passes } = sizes(quick).oneWay;
  const result = await medianOfPasses(
    passes,
    (warm) =>
      oneWay({
        send: (i) => port.postMessage(['m', i, SMALL_TEXT]),
        begin: () => call('begin'),
        finish: (n) => call('finish', n),
        yieldTask,
        burst,
        maxCount: warm ? maxCount / 4 : maxCount,
        maxMs: warm ? maxMs / 2 : maxMs,
      }),
    'perSecond',
  );
  parentPort.postMessage(result);
}

/** Plays `workerData.role` on `port`. */
export function playRole(port) {
  if (workerData.role === 'sender') return send(port, workerData.quick);
  receive(port);
}
