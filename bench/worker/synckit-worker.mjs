// synckit's worker: answers main's blocking calls with its arguments.
import { runAsWorker } from 'synckit';

runAsWorker(async (i, text) => [i, text]);
