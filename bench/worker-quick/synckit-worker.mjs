// synckit's worker for bench/worker-quick.mjs: echoes its arguments (main blocks on it).
import { runAsWorker } from 'synckit';

runAsWorker(async (i, text) => [i, text]);
