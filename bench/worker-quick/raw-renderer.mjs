// Hand-written baselines for bench/worker-quick.mjs: the same calls over bare MessagePorts.
//   sync:    post on the data port, Atomics.wait on a SharedArrayBuffer, receiveMessageOnPort(replyPort)
//   invoke:  post on the data port with an id, resolve when main echoes it back
//   oneway:  one postMessage per message
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { oneWay, timeAsync, timeSync } from './measure.mjs';

const { port, replyPort, state } = workerData;
const pending = new Map();
let nextId = 0;
port.on('message', ([id, value]) => {
  pending.get(id)(value);
  pending.delete(id);
});

function sendSync(...args) {
  const seen = Atomics.load(state, 0);
  port.postMessage(['sync', args]);
  Atomics.wait(state, 0, seen);
  return receiveMessageOnPort(replyPort).message;
}

function invoke(...args) {
  const id = ++nextId;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    port.postMessage(['invoke', args, id]);
  });
}

parentPort.on('message', async ({ kind, n, burst }) => {
  if (kind === 'sync') parentPort.postMessage(timeSync(n, (i) => sendSync(i, 'hello')));
  else if (kind === 'invoke') parentPort.postMessage(await timeAsync(n, (i) => invoke(i, 'hello')));
  else if (kind === 'oneway')
    parentPort.postMessage(await oneWay(n, burst, (i) => port.postMessage(['oneway', [i, 'hello']])));
});
