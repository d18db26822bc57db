import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  ChannelResult,
  InvokeChannel,
  SendChannel,
  ToRendererChannel,
} from '../../src/api/typed-channels.js';
import { typedBroadcast, typedIpcMain, typedWebContents } from '../../src/api/typed-ipc-main.js';
import { typedIpcRenderer } from '../../src/api/typed-ipc-renderer.js';
import { createMain } from '../../src/main.js';
import { createMemoryIpc } from '../../src/testing.js';

/*
 * Type-level tests: `npx tsc -p tsconfig.test.json --noEmit` fails when a `@ts-expect-error` line
 * compiles (the types became too loose) or when a correct line does not (too strict).
 */

interface Note {
  id: number;
  text: string;
}

interface Channels {
  'note:add': { invoke: [text: string]; returns: Note };
  'note:clear': { invoke: [] };
  log: { send: [level: 'info' | 'error', message: string] };
  'config:get': { sendSync: [key: string]; returns: string | undefined };
  'notes:changed': { toRenderer: [notes: Note[]] };
}

/** Never called: only compiled. */
function typeChecks(): void {
  const ipc = createMemoryIpc();
  const main = typedIpcMain<Channels>(ipc.ipcMain);
  const { ipcRenderer, webContents } = ipc.createRenderer();
  const renderer = typedIpcRenderer<Channels>(ipcRenderer);

  main.handle('note:add', (_event, text) => ({ id: 1, text }));
  main.handle('note:add', async (_event, text) => ({ id: 1, text }));
  main.handle('note:clear', () => {});
  main.on('log', (_event, level, message) => {
    expectTypeOf(level).toEqualTypeOf<'info' | 'error'>();
    expectTypeOf(message).toEqualTypeOf<string>();
  });
  main.on('config:get', (event, key) => {
    event.returnValue = key;
  });
  main.off('log', () => {});
  main.removeHandler('note:add');
  typedWebContents<Channels>(webContents).send('notes:changed', [{ id: 1, text: 'a' }]);
  const broadcastTyped = typedBroadcast<Channels>(createMain().broadcast);
  expectTypeOf(broadcastTyped('notes:changed', [{ id: 1, text: 'a' }])).toEqualTypeOf<number>();

  renderer.send('log', 'info', 'hello');
  expectTypeOf(renderer.invoke('note:add', 'a')).toEqualTypeOf<Promise<Note>>();
  expectTypeOf(renderer.withOptions({ timeout: 5 }).invoke('note:add', 'a')).toEqualTypeOf<Promise<Note>>();
  expectTypeOf(renderer.sendSync('config:get', 'theme')).toEqualTypeOf<string | undefined>();
  renderer.on('notes:changed', (_event, notes) => expectTypeOf(notes).toEqualTypeOf<Note[]>());
  renderer.sendTo(2, 'anything', 1); // untyped methods stay as they are

  // @ts-expect-error wrong argument type
  renderer.invoke('note:add', 42);
  // @ts-expect-error missing argument
  renderer.send('log', 'info');
  // @ts-expect-error unknown channel
  renderer.send('nope', 1);
  // @ts-expect-error a send channel cannot be invoked
  renderer.invoke('log', 'info', 'x');
  // @ts-expect-error main -> renderer channels are not sent by the renderer
  renderer.send('notes:changed', []);
  // @ts-expect-error wrong result type
  const wrong: Promise<string> = renderer.invoke('note:add', 'a');
  // @ts-expect-error listener argument of the wrong type
  renderer.on('notes:changed', (_event, notes: string) => notes);
  // @ts-expect-error handler returns the wrong type
  main.handle('note:add', () => 'not a note');
  // @ts-expect-error handler for an unknown channel
  main.handle('nope', () => 1);
  // @ts-expect-error sendSync answer of the wrong type
  main.on('config:get', (event) => (event.returnValue = 42));
  // @ts-expect-error listening to an invoke channel
  main.on('note:add', () => {});
  // @ts-expect-error webContents.send on a renderer -> main channel
  typedWebContents<Channels>(webContents).send('log', 'info', 'x');
  // @ts-expect-error broadcast on a renderer -> main channel
  broadcastTyped('log', 'info', 'x');
  // @ts-expect-error broadcast with the wrong argument type
  broadcastTyped('notes:changed', 'not notes');
  void wrong;
}

describe('typed channel types', () => {
  it('classify channels by kind and read their results', () => {
    expectTypeOf<SendChannel<Channels>>().toEqualTypeOf<'log'>();
    expectTypeOf<InvokeChannel<Channels>>().toEqualTypeOf<'note:add' | 'note:clear'>();
    expectTypeOf<ToRendererChannel<Channels>>().toEqualTypeOf<'notes:changed'>();
    expectTypeOf<ChannelResult<Channels['note:add']>>().toEqualTypeOf<Note>();
    expect(typeof typeChecks).toBe('function');
  });

  it('work end to end at run time with a typed main and renderer', async () => {
    const ipc = createMemoryIpc();
    const main = typedIpcMain<Channels>(ipc.ipcMain);
    main.handle('note:add', (_event, text) => ({ id: 7, text }));
    const { ipcRenderer, webContents } = ipc.createRenderer();
    const renderer = typedIpcRenderer<Channels>(ipcRenderer);
    const changed = new Promise<Note[]>((resolve) =>
      renderer.once('notes:changed', (_e, notes) => resolve(notes)),
    );
    const note = await renderer.invoke('note:add', 'milk');
    typedWebContents<Channels>(webContents).send('notes:changed', [note]);
    expect(note).toEqual({ id: 7, text: 'milk' });
    expect(await changed).toEqual([{ id: 7, text: 'milk' }]);
    ipc.close();
  });
});
