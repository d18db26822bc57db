// Hand-written baseline worker: one postMessage per message on a MessagePort; round trips are a
// postMessage echo matched by id; sendSync posts, blocks in Atomics.wait on a SharedArrayBuffer and
// reads the reply with receiveMessageOnPort from a second port.
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { runWorkerScenario } from './renderer-common.mjs';

const { port, replyPort, state } = workerData;
const pending = new Map();
let nextId = 0;
port.on('message', ([id, value]) => {
  const resolve = pending.get(id);
  pending.delete(id);
  resolve(value);
});
const call = (name, ...args) => {
  const id = ++nextId;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    port.postMessage([name, id, ...args]);
  });
};

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
