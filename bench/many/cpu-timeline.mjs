// Preloaded into a bench/many server by gc-window.mjs (`node --import`): samples the process's CPU
// time every 20 ms and writes the samples, with the process's time origin, to the file named by
// IPC_ANYWHERE_CPU_TIMELINE when it exits.
import { writeFileSync } from 'node:fs';

const samples = [];
const sample = () => {
  const { user, system } = process.cpuUsage();
  samples.push([Date.now(), user, system]);
};
setInterval(sample, 20).unref();
process.on('exit', () => {
  sample();
  const file = process.env.IPC_ANYWHERE_CPU_TIMELINE;
  if (file) writeFileSync(file, JSON.stringify({ timeOrigin: performance.timeOrigin, samples }));
});
