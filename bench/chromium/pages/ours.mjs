// ipc-anywhere in a page (the classic script, window.ipcRenderer).
import {
  medianOfPasses,
  oneWay,
  roundTrips,
  SMALL_TEXT,
  smallObject,
  syncRoundTrips,
} from '../../suite/drive.mjs';
import { run, scenario, size, yieldTask } from './page.mjs';

const ipc = window.ipcRenderer;

run(async () => {
  await ipc.invoke('rt', 0, SMALL_TEXT);
  switch (scenario) {
    case 'send':
    case 'sendObject': {
      const { burst, maxCount, maxMs, passes } = size.oneWay;
      const send =
        scenario === 'send' ? (i) => ipc.send('m', i, SMALL_TEXT) : (i) => ipc.send('m', smallObject(i));
      return medianOfPasses(
        passes,
        (warm) =>
          oneWay({
            send,
            begin: () => ipc.invoke('begin'),
            finish: (n) => ipc.invoke('finish', n),
            yieldTask,
            burst,
            maxCount: warm ? maxCount / 4 : maxCount,
            maxMs: warm ? maxMs / 2 : maxMs,
          }),
        'perSecond',
      );
    }
    case 'portSend': {
      // A MessagePort main handed the page (relayed over its connection): one postMessage per message.
      const port = await new Promise((resolve) => {
        ipc.once('bench-port', (event) => resolve(event.ports[0]));
        ipc.send('bench-port');
      });
      const { burst, maxCount, maxMs, passes } = size.oneWay;
      return medianOfPasses(
        passes,
        (warm) =>
          oneWay({
            send: (i) => port.postMessage(['m', i, SMALL_TEXT]),
            begin: () => ipc.invoke('begin'),
            finish: (n) => ipc.invoke('finish', n),
            yieldTask,
            burst,
            maxCount: warm ? maxCount / 4 : maxCount,
            maxMs: warm ? maxMs / 2 : maxMs,
          }),
        'perSecond',
      );
    }
    case 'invoke':
      return roundTrips((i) => ipc.invoke('rt', i, SMALL_TEXT), size.pageRoundTrip);
    case 'sendSync':
      return syncRoundTrips((i) => ipc.sendSync('sync', i, SMALL_TEXT), size.pageRoundTrip);
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
});
