// A plain worker of port-raw.mjs: plays its role on the port it was given.
import { workerData } from 'node:worker_threads';
import { playRole } from './port-common.mjs';

playRole(workerData.port);
