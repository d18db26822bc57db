// Hand-written baseline worker: one postMessage per message on a MessagePort; round trips are a
// postMessage echo matched by id; sendSync posts, blocks in Atomics.wait on a SharedArrayBuffer and
// reads the reply with receiveMessageOnPort from a second port.
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { portCaller } from '../suite/baseline-handlers.mjs';
import { runWorkerScenario } from './renderer-common.mjs';

const { port, replyPort, state } = workerData;
const call = portCaller(port);

await runWorkerScenario({
  send: (i) => port.postMessage(['m', i, 'hello']),
  begin: () => call('begin'),
  finish: (n) => call('finish', n),
  invoke: (i, text) => call('rt', i, text),
  sendSync(i, text) {
    const seen = Atomics.load(state, 0);
    port.postMessage(['sync', 0, i, text]);
    Atomics.wait(state, 0, seen);
    return receiveMessageOnPort(replyPort).message;
  },
});
port.close();
