import { type } from 'arktype';
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { checkArgs, checkedValidators, isStandardSchema } from '../../src/api/args-validator.js';
import type { StandardSchemaV1 } from '../../src/api/standard-schema.js';
import { typedIpcMain } from '../../src/api/typed-ipc-main.js';
import { typedIpcRenderer } from '../../src/api/typed-ipc-renderer.js';
import { IpcErrorCode, isIpcError } from '../../src/protocol/errors.js';
import { createMemoryIpc } from '../../src/testing.js';
import type { Channels } from './typed-fixtures.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Throws unless `act` throws an `ERR_IPC_INVALID_ARGUMENT` whose message contains `text`. */
function expectRefused(act: () => unknown, text: string): void {
  let caught: unknown;
  try {
    act();
  } catch (error) {
    caught = error;
  }
  expect(isIpcError(caught, IpcErrorCode.InvalidArgument)).toBe(true);
  expect((caught as Error).message).toContain(text);
}

/** A hand-made Standard Schema whose answer (and its timing) the test chooses per call. */
function scriptedSchema(
  answer: (args: unknown[]) => { value: unknown } | { issues: { message: string }[] },
  delayMs: (args: unknown[]) => number | undefined,
): StandardSchemaV1<unknown, unknown[]> {
  return {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate: (value) => {
        const args = value as unknown[];
        const delay = delayMs(args);
        if (delay === undefined) return answer(args) as never;
        return new Promise((resolve) => setTimeout(() => resolve(answer(args) as never), delay));
      },
    },
  };
}

const zodAdd = z.tuple([z.number(), z.number()]);
const valibotLog = v.tuple([v.string()]);
const arkGet = type(['string']);

function mainSetup(validate: Record<string, unknown>) {
  const logger = { warn: vi.fn(), error: vi.fn() };
  const ipc = createMemoryIpc({ logger });
  const main = typedIpcMain<Channels>(ipc.ipcMain, { validate: validate as never });
  const { ipcRenderer } = ipc.createRenderer();
  return { ipc, logger, main, ipcRenderer };
}

describe('validators given when a typed view is made', () => {
  it.each([
    ['a number', 5, "validate['add'] must be a function"],
    ['a string', 'z.number()', "validate['add'] must be a function"],
    ['null', null, "validate['add'] must be a function"],
    ['an object without ~standard', { parse: () => undefined }, 'without a ~standard.validate function'],
    ['~standard without validate', { '~standard': { version: 1, vendor: 'x' } }, 'without a ~standard'],
    [
      'a Standard Schema of version 2',
      { '~standard': { version: 2, vendor: 'x', validate: () => ({}) } },
      'version 2',
    ],
  ])('refuses %s as a validator, in main and in the renderer', (_what, validator, text) => {
    const ipc = createMemoryIpc();
    const { ipcRenderer } = ipc.createRenderer();
    const validate = { add: validator } as never;
    expectRefused(() => typedIpcMain<Channels>(ipc.ipcMain, { validate }), text);
    expectRefused(() => typedIpcRenderer<Channels>(ipcRenderer, { validate }), text);
  });

  it('refuses a validate option that is not an object, and unknown option names', () => {
    const ipc = createMemoryIpc();
    const { ipcRenderer } = ipc.createRenderer();
    expectRefused(
      () => typedIpcMain<Channels>(ipc.ipcMain, { validate: 5 as never }),
      'validate must be an object',
    );
    expectRefused(
      () => typedIpcRenderer<Channels>(ipcRenderer, { validate: [] as never }),
      'validate must be an object',
    );
    expectRefused(
      () => typedIpcMain<Channels>(ipc.ipcMain, { validat: {} } as never),
      "did you mean 'validate'",
    );
    expectRefused(
      () => typedIpcRenderer<Channels>(ipcRenderer, { logger: console } as never),
      "unknown option 'logger'",
    );
    expectRefused(() => typedIpcMain<Channels>(ipc.ipcMain, { logger: 5 } as never), 'logger must be');
  });

  it('accepts zod, valibot and arktype schemas and functions; undefined entries mean no validator', () => {
    const validators = checkedValidators('test', {
      add: zodAdd,
      log: valibotLog,
      get: arkGet,
      free: () => undefined,
      changed: undefined,
    });
    expect([...validators!.keys()]).toEqual(['add', 'log', 'get', 'free']);
    expect(checkedValidators('test', { changed: undefined })).toBeUndefined();
    for (const schema of [zodAdd, valibotLog, arkGet]) expect(isStandardSchema(schema)).toBe(true);
    // arktype's schemas are callable: they must be run as schemas, not called as function validators.
    expect(typeof arkGet).toBe('function');
  });

  it('reads the validators once: changing the object later changes nothing', async () => {
    const validate: Record<string, unknown> = { log: valibotLog };
    const { main, ipcRenderer, logger } = mainSetup(validate);
    validate.log = () => {
      throw new Error('not this one');
    };
    const seen = vi.fn();
    main.on('log', seen);
    ipcRenderer.send('log', 'fine');
    ipcRenderer.send('log', 7);
    await tick();
    expect(seen).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0]![1]).toContain('args[0]');
  });
});

describe('Standard Schema validators in main', () => {
  it('zod: rejects a refused invoke with the issue and its path; the handler gets valid calls only', async () => {
    const { main, ipcRenderer, logger } = mainSetup({ add: zodAdd });
    const handler = vi.fn((_event: unknown, a: number, b: number) => a + b);
    main.handle('add', handler);
    expect(await ipcRenderer.invoke('add', 2, 3)).toBe(5);
    const error = await ipcRenderer.invoke('add', 2, 'x').catch((caught: Error) => caught);
    expect(String((error as Error).message)).toMatch(
      /^Error invoking remote method 'add': TypeError: args\[1\]: /,
    );
    expect(handler).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.any(TypeError) }),
      "Error occurred in handler for 'add'",
    );
    const reported = logger.error.mock.calls[0]![0].err as TypeError & { issues: unknown[] };
    expect(reported.issues).toHaveLength(1);
  });

  it('valibot: drops a refused send before listeners and logs the channel and the issue once', async () => {
    const { main, ipcRenderer, logger } = mainSetup({ log: valibotLog });
    const seen: unknown[] = [];
    main.on('log', (_event, message) => seen.push(message));
    main.on('log', (_event, message) => seen.push(`again ${message}`));
    ipcRenderer.send('log', 42);
    ipcRenderer.send('log', 'ok');
    await tick();
    expect(seen).toEqual(['ok', 'again ok']);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0]![1]).toMatch(
      /^ipc-anywhere: dropped a message on 'log': invalid arguments: args\[0\]: /,
    );
  });

  it('arktype: answers a refused sendSync with Electron’s no-reply object', () => {
    const { main, ipcRenderer, logger } = mainSetup({ get: arkGet });
    main.on('get', (event, key) => {
      event.returnValue = `value of ${key}`;
    });
    expect(ipcRenderer.sendSync('get', 'a')).toBe('value of a');
    expect(ipcRenderer.sendSync('get', 1)).toEqual({ error: 'reply was never sent' });
    expect(ipcRenderer.sendSync('get', 'a', 'b')).toEqual({ error: 'reply was never sent' });
    expect(logger.warn).toHaveBeenCalledTimes(2);
  });

  it('passes the schema’s output on: transforms apply and zod strips unknown keys', async () => {
    const { main, ipcRenderer } = mainSetup({
      free: z.tuple([z.object({ name: z.string().trim() })]),
      add: z.tuple([z.coerce.number(), z.coerce.number()]),
    });
    const seen = vi.fn();
    main.on('free', seen);
    main.handle('add', (_event, a, b) => a + b);
    ipcRenderer.send('free', { name: '  Ada ', isAdmin: true });
    expect(await ipcRenderer.invoke('add', '2', '3')).toBe(5);
    await tick();
    expect(seen).toHaveBeenCalledWith(expect.anything(), { name: 'Ada' });
  });

  it('refuses a schema output that is not an argument list, saying so', async () => {
    const { main, ipcRenderer, logger } = mainSetup({
      log: z.tuple([z.string()]).transform(([text]) => text),
    });
    const seen = vi.fn();
    main.on('log', seen);
    ipcRenderer.send('log', 'text');
    await tick();
    expect(seen).not.toHaveBeenCalled();
    expect(logger.warn.mock.calls[0]![1]).toContain('not the argument list');
  });

  it('waits for an async schema and keeps the order of a channel’s messages', async () => {
    // 'slow' settles after 30 ms, everything else at once: the listener must still see them in order.
    const schema = scriptedSchema(
      (args) => (args[0] === 'bad' ? { issues: [{ message: 'bad' }] } : { value: args }),
      (args) => (args[0] === 'slow' ? 30 : args[0] === 'async' ? 1 : undefined),
    );
    const { main, ipcRenderer, logger } = mainSetup({ log: schema });
    const seen: unknown[] = [];
    main.on('log', (_event, text) => seen.push(text));
    for (const text of ['first', 'slow', 'bad', 'sync', 'async', 'last']) ipcRenderer.send('log', text);
    await vi.waitFor(() => expect(seen).toHaveLength(5), { timeout: 2000 });
    expect(seen).toEqual(['first', 'slow', 'sync', 'async', 'last']);
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it('reports a listener that throws after an async check, and keeps delivering', async () => {
    const schema = scriptedSchema(
      (args) => ({ value: args }),
      () => 1,
    );
    const { main, ipcRenderer, logger } = mainSetup({ log: schema });
    const seen: unknown[] = [];
    main.on('log', (_event, text) => {
      if (text === 'boom') throw new Error('listener failed');
      seen.push(text);
    });
    ipcRenderer.send('log', 'boom');
    ipcRenderer.send('log', 'after');
    await vi.waitFor(() => expect(seen).toEqual(['after']), { timeout: 2000 });
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.any(Error) }),
      "ipc-anywhere: a listener for 'log' threw",
    );
  });

  it('an async check does not let two calls through a handleOnce handler', async () => {
    const schema = scriptedSchema(
      (args) => ({ value: args }),
      () => 5,
    );
    const { main, ipcRenderer } = mainSetup({ add: schema });
    const handler = vi.fn((_event: unknown, a: number, b: number) => a + b);
    main.handleOnce('add', handler);
    const results = await Promise.allSettled([
      ipcRenderer.invoke('add', 1, 2),
      ipcRenderer.invoke('add', 3, 4),
    ]);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 3 });
    expect(results[1]!.status).toBe('rejected');
    expect(String((results[1] as PromiseRejectedResult).reason)).toContain("No handler registered for 'add'");
  });

  it('a once listener gets the first message that passes an async check, and only that one', async () => {
    const schema = scriptedSchema(
      (args) => (args[0] === 'bad' ? { issues: [{ message: 'bad' }] } : { value: args }),
      () => 2,
    );
    const { ipc, main, ipcRenderer } = mainSetup({ log: schema });
    const once = vi.fn();
    main.once('log', once);
    for (const text of ['bad', 'one', 'two']) ipcRenderer.send('log', text);
    await vi.waitFor(() => expect(once).toHaveBeenCalled(), { timeout: 2000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(once).toHaveBeenCalledTimes(1);
    expect(once).toHaveBeenCalledWith(expect.anything(), 'one');
    expect(ipc.ipcMain.listenerCount('log')).toBe(0);
  });

  it('awaits function validators that return a Promise: a rejection refuses the message', async () => {
    const { main, ipcRenderer, logger } = mainSetup({
      log: async ([text]: unknown[]) => {
        if (typeof text !== 'string') throw new TypeError('expected a string');
      },
    });
    const seen = vi.fn();
    main.on('log', seen);
    ipcRenderer.send('log', 1);
    ipcRenderer.send('log', 'yes');
    await vi.waitFor(() => expect(seen).toHaveBeenCalledTimes(1), { timeout: 2000 });
    expect(seen).toHaveBeenCalledWith(expect.anything(), 'yes');
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'ERR_IPC_INVALID_ARGUMENT', channel: 'log' }),
      "ipc-anywhere: dropped a message on 'log': invalid arguments: expected a string",
    );
  });

  it('zod schemas with async refinements work for invoke', async () => {
    const even = z.tuple([z.number(), z.number()]).refine(async ([a]) => a % 2 === 0, 'a must be even');
    const { main, ipcRenderer } = mainSetup({ add: even });
    main.handle('add', (_event, a, b) => a + b);
    expect(await ipcRenderer.invoke('add', 2, 1)).toBe(3);
    await expect(ipcRenderer.invoke('add', 1, 1)).rejects.toThrow('a must be even');
  });
});

describe('Standard Schema validators in the renderer', () => {
  function rendererSetup(validate: Record<string, unknown>) {
    const ipc = createMemoryIpc();
    const { ipcRenderer } = ipc.createRenderer();
    const renderer = typedIpcRenderer<Channels>(ipcRenderer, { validate: validate as never });
    return { ipc, renderer };
  }

  it.each([
    ['zod', z.tuple([z.string()])],
    ['valibot', v.tuple([v.string()])],
    ['arktype', type(['string'])],
  ])(
    '%s: send throws ERR_IPC_INVALID_ARGUMENT with the issues as cause, and sends nothing',
    async (_name, schema) => {
      const { ipc, renderer } = rendererSetup({ log: schema });
      const seen = vi.fn();
      ipc.ipcMain.on('log', seen);
      let caught: unknown;
      try {
        renderer.send('log', 42 as unknown as string);
      } catch (error) {
        caught = error;
      }
      expect(isIpcError(caught, IpcErrorCode.InvalidArgument)).toBe(true);
      expect((caught as Error).message).toMatch(/^Invalid arguments for channel 'log': args\[0\]/);
      const cause = (caught as Error).cause as TypeError & { issues: unknown[] };
      expect(cause).toBeInstanceOf(TypeError);
      expect(cause.issues.length).toBeGreaterThan(0);
      renderer.send('log', 'fine');
      await tick();
      expect(seen).toHaveBeenCalledTimes(1);
    },
  );

  it('invoke waits for an async schema; send and sendSync refuse one with a coded error', async () => {
    const schema = scriptedSchema(
      (args) => (typeof args[0] === 'number' ? { value: args } : { issues: [{ message: 'numbers only' }] }),
      () => 1,
    );
    const { ipc, renderer } = rendererSetup({ add: schema, log: schema, get: schema });
    ipc.ipcMain.handle('add', (_event, a, b) => a + b);
    expect(await renderer.invoke('add', 1, 2)).toBe(3);
    const refused = await renderer
      .invoke('add', 'x' as unknown as number, 2)
      .catch((error: unknown) => error);
    expect(isIpcError(refused, IpcErrorCode.InvalidArgument)).toBe(true);
    expect((refused as Error).message).toBe("Invalid arguments for channel 'add': numbers only");
    expectRefused(() => renderer.send('log', 'x'), 'answered asynchronously');
    expectRefused(() => renderer.sendSync('get', 'x'), 'answered asynchronously');
    expect(await renderer.withOptions({ timeout: 1000 }).invoke('add', 2, 2)).toBe(4);
  });

  it('sends the schema’s output', async () => {
    const { ipc, renderer } = rendererSetup({ add: z.tuple([z.coerce.number(), z.coerce.number()]) });
    const seen = vi.fn((_event: unknown, a: unknown, b: unknown) => [a, b]);
    ipc.ipcMain.handle('add', seen);
    expect(await renderer.invoke('add', '1' as unknown as number, '2' as unknown as number)).toEqual([1, 2]);
  });
});

describe('checkArgs', () => {
  it('names at most three issues and counts the rest, whatever the issues look like', () => {
    const segment = fc.oneof(
      fc.nat(),
      fc.string(),
      fc.string().map((key) => ({ key })),
      fc.constant({ key: Symbol('s') }),
    );
    const issue = fc.record({
      message: fc.oneof(fc.string({ maxLength: 500 }), fc.constant(undefined as unknown as string)),
      path: fc.option(fc.array(segment, { maxLength: 5 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(issue, { maxLength: 40 }), (issues) => {
        const schema = { '~standard': { version: 1 as const, vendor: 'x', validate: () => ({ issues }) } };
        const verdict = checkArgs(schema, []);
        if (verdict instanceof Promise || verdict.ok) throw new Error('expected a refusal');
        const message = (verdict.reason as Error).message;
        expect(message.length).toBeLessThan(1100);
        if (issues.length > 3) expect(message).toContain(`and ${issues.length - 3} more`);
        expect((verdict.reason as { issues: unknown }).issues).toBe(issues);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 200) },
    );
  });

  it('turns a validate that throws or returns nonsense into a refusal', () => {
    const throwing = {
      '~standard': {
        version: 1 as const,
        vendor: 'x',
        validate: () => {
          throw new Error('broken schema');
        },
      },
    };
    expect(checkArgs(throwing, [])).toEqual({ ok: false, reason: new Error('broken schema') });
    const nonsense = { '~standard': { version: 1 as const, vendor: 'x', validate: () => 5 as never } };
    const verdict = checkArgs(nonsense, []);
    expect(verdict).toMatchObject({ ok: false });
  });
});
