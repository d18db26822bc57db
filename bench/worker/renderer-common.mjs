// Runs the scenario main asked for inside a bench worker and posts the result on parentPort.
import { parentPort, workerData } from 'node:worker_threads';
import { medianOfPasses, oneWay, roundTrips, SMALL_TEXT, syncRoundTrips } from '../suite/drive.mjs';
import { sizes } from '../suite/sizes.mjs';

const yieldTask = () => new Promise((resolve) => setImmediate(resolve));

/** `api`: `send(i)`, `begin()`, `finish(n)`, `invoke(i, text)`, `sendSync(i, text)`. */
export async function runWorkerScenario(api) {
  const { scenario, quick } = workerData;
  const size = sizes(quick);
  let result;
  switch (scenario) {
    case 'send': {
      const { burst, maxCount, maxMs, passes } = size.oneWay;
      result = await medianOfPasses(
        passes,
        (warm) =>
          oneWay({
            send: api.send,
            begin: api.begin,
            finish: api.finish,
            yieldTask,
            burst,
            maxCount: warm ? maxCount / 4 : maxCount,
            maxMs: warm ? maxMs / 2 : maxMs,
          }),
        'perSecond',
      );
      break;
    }
    case 'invoke':
      result = await roundTrips((i) => api.invoke(i, SMALL_TEXT), size.roundTrip);
      break;
    case 'sendSync':
      result = syncRoundTrips((i) => api.sendSync(i, SMALL_TEXT), size.roundTrip);
      break;
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
  parentPort.postMessage(result);
}
