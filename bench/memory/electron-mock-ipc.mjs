#!/usr/bin/env node
// Baseline: electron-mock-ipc 0.3.14 (ipcMain/ipcRenderer mocks over EventEmitters; it imports nothing
// from electron at run time). `node bench/memory/electron-mock-ipc.mjs invoke [--quick]`.
import mock from 'electron-mock-ipc';
import { roundTrips, SMALL_TEXT } from '../suite/drive.mjs';
import { report } from '../suite/proc.mjs';
import { sizes } from '../suite/sizes.mjs';

const createIPCMock = mock.default ?? mock;
const { ipcMain, ipcRenderer } = createIPCMock();
ipcMain.handle('rt', (_event, i, text) => [i, text]);
report(
  await roundTrips(
    (i) => ipcRenderer.invoke('rt', i, SMALL_TEXT),
    sizes(process.argv.includes('--quick')).slowRoundTrip,
  ),
);
process.exit(0);
