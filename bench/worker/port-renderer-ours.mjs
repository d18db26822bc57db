// A worker renderer of port-ours.mjs: takes the port main sends and plays its role on it.
import { ipcRenderer } from 'ipc-anywhere/renderer';
import { playRole } from './port-common.mjs';

ipcRenderer.once('port', (event) => playRole(event.ports[0]));
