// Baseline in a page: socket.io-client (WebSocket transport only), `emit` per message.
import { medianOfPasses, oneWay, roundTrips, SMALL_TEXT, smallObject } from '../../suite/drive.mjs';
import { run, scenario, size, yieldTask } from './page.mjs';

/** socket.io-client queues in its engine while a write is in flight, then in the WebSocket. */
function backlog(socket) {
  const engine = socket.io.engine;
  return engine.writeBuffer.length * 32 + (engine.transport.ws?.bufferedAmount ?? 0);
}

run(async () => {
  const socket = window.io({ transports: ['websocket'], reconnection: false });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  await socket.emitWithAck('rt', 0, SMALL_TEXT);
  const backlogFull = () => backlog(socket) > 256 * 1024;
  switch (scenario) {
    case 'send':
    case 'sendObject': {
      const { burst, maxCount, maxMs, passes } = size.oneWay;
      const send =
        scenario === 'send'
          ? (i) => socket.emit('m', i, SMALL_TEXT)
          : (i) => socket.emit('m', smallObject(i));
      return medianOfPasses(
        passes,
        (warm) =>
          oneWay({
            send,
            begin: () => socket.emitWithAck('begin'),
            finish: (n) => socket.emitWithAck('finish', n),
            yieldTask,
            burst,
            maxCount: warm ? maxCount / 4 : maxCount,
            maxMs: warm ? maxMs / 2 : maxMs,
            backlogFull,
          }),
        'perSecond',
      );
    }
    case 'invoke':
      return roundTrips((i) => socket.emitWithAck('rt', i, SMALL_TEXT), size.pageRoundTrip);
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
});
