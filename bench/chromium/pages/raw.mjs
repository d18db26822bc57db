// Baselines in a page: the page's own WebSocket, one JSON text frame per message, JSON request/response
// with ids for round trips (invokeBinary: the same in binary frames); and a bare synchronous XHR echo
// for sendSync.
import { rawCaller } from '../../suite/baseline-handlers.mjs';
import {
  medianOfPasses,
  oneWay,
  roundTrips,
  SMALL_TEXT,
  smallObject,
  syncRoundTrips,
} from '../../suite/drive.mjs';
import { run, scenario, size, yieldTask } from './page.mjs';

function syncEcho(i, text) {
  const xhr = new XMLHttpRequest();
  xhr.open('POST', '/echo', false);
  xhr.send(JSON.stringify([i, text]));
  return JSON.parse(xhr.responseText);
}

run(async () => {
  if (scenario === 'sendSync') {
    syncEcho(0, SMALL_TEXT);
    return syncRoundTrips((i) => syncEcho(i, SMALL_TEXT), size.pageRoundTrip);
  }
  const socket = new WebSocket(`ws://${location.host}/ws`);
  // invokeBinary: the same JSON, as UTF-8 in binary frames both ways (what a binary protocol pays).
  const binary = scenario === 'invokeBinary';
  socket.binaryType = 'arraybuffer';
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const caller = rawCaller((text) => socket.send(binary ? encoder.encode(text) : text));
  socket.onmessage = (event) =>
    caller.receive(typeof event.data === 'string' ? event.data : decoder.decode(event.data));
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = () => reject(new Error('WebSocket failed'));
  });
  await caller.call('rt', 0, SMALL_TEXT);
  switch (scenario) {
    case 'send':
    case 'sendObject': {
      const { burst, maxCount, maxMs, passes } = size.oneWay;
      const send =
        scenario === 'send'
          ? (i) => socket.send(JSON.stringify(['m', i, SMALL_TEXT]))
          : (i) => socket.send(JSON.stringify(['m', smallObject(i)]));
      return medianOfPasses(
        passes,
        (warm) =>
          oneWay({
            send,
            begin: () => caller.call('begin'),
            finish: (n) => caller.call('finish', n),
            yieldTask,
            burst,
            maxCount: warm ? maxCount / 4 : maxCount,
            maxMs: warm ? maxMs / 2 : maxMs,
            backlogFull: () => socket.bufferedAmount > 256 * 1024,
          }),
        'perSecond',
      );
    }
    case 'invoke':
    case 'invokeBinary':
      return roundTrips((i) => caller.call('rt', i, SMALL_TEXT), size.pageRoundTrip);
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
});
