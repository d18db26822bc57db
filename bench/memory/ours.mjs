#!/usr/bin/env node
// ipc-anywhere's in-memory transport (ipc-anywhere/testing): invoke round trip.
// `node bench/memory/ours.mjs invoke [--quick]`.
import { createMemoryIpc } from 'ipc-anywhere/testing';
import { roundTrips, SMALL_TEXT } from '../suite/drive.mjs';
import { report } from '../suite/proc.mjs';
import { sizes } from '../suite/sizes.mjs';

const ipc = createMemoryIpc({ logLevel: 'error' });
ipc.ipcMain.handle('rt', (_event, i, text) => [i, text]);
const { ipcRenderer } = ipc.createRenderer();
report(
  await roundTrips(
    (i) => ipcRenderer.invoke('rt', i, SMALL_TEXT),
    sizes(process.argv.includes('--quick')).roundTrip,
  ),
);
ipc.close();
process.exit(0);
