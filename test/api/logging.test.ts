import { afterEach, describe, expect, it, vi } from 'vitest';
import { consoleStyle, type Logger, type LogLevel, setLogger } from '../../src/main.js';
import { createMemoryIpc } from '../../src/testing.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** One handler error (an error line) and one sendSync without listeners (a warning) through `ipc`. */
async function errorAndWarning(ipc: ReturnType<typeof createMemoryIpc>): Promise<Error> {
  const thrown = new Error('handler failed');
  ipc.ipcMain.handle('fails', () => {
    throw thrown;
  });
  const { ipcRenderer, webContents } = ipc.createRenderer();
  await expect(ipcRenderer.invoke('fails')).rejects.toThrow('handler failed');
  expect(ipcRenderer.sendSync('nobody')).toEqual({ error: 'reply was never sent' });
  expect(webContents.id).toBeGreaterThan(0);
  ipc.close();
  return thrown;
}

describe('the console adapter', () => {
  for (const [what, options] of [
    ['no logger', {}],
    ['console itself', { logger: console as unknown as Logger }],
  ] as const) {
    it(`with ${what}, console prints the message, then the error, as Electron does`, async () => {
      const error = vi.spyOn(console, 'error').mockImplementation(() => {});
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const thrown = await errorAndWarning(createMemoryIpc(options));
      expect(error.mock.calls).toEqual([["Error occurred in handler for 'fails':", thrown]]);
      expect(warn.mock.calls).toEqual([
        ["WebContents #1 called ipcRenderer.sendSync() with 'nobody' channel without listeners."],
      ]);
    });
  }

  it('consoleStyle(logger) keeps a console-style logger working', async () => {
    const legacy = { warn: vi.fn(), error: vi.fn() };
    const thrown = await errorAndWarning(createMemoryIpc({ logger: consoleStyle(legacy) }));
    expect(legacy.error.mock.calls).toEqual([["Error occurred in handler for 'fails':", thrown]]);
    expect(legacy.warn).toHaveBeenCalledWith(
      expect.stringContaining("with 'nobody' channel without listeners"),
    );
  });
});

describe('logLevel', () => {
  const cases: [LogLevel, errors: number, warnings: number][] = [
    ['silent', 0, 0],
    ['error', 1, 0],
    ['warn', 1, 1],
    ['info', 1, 1],
    ['debug', 1, 1],
  ];
  for (const [level, errors, warnings] of cases) {
    it(`'${level}' lets ${errors} error(s) and ${warnings} warning(s) through`, async () => {
      const logger = { error: vi.fn(), warn: vi.fn() };
      await errorAndWarning(createMemoryIpc({ logger, logLevel: level }));
      expect(logger.error).toHaveBeenCalledTimes(errors);
      expect(logger.warn).toHaveBeenCalledTimes(warnings);
    });
  }

  it("'info' adds a line per renderer that connects and leaves; 'warn' leaves them out", () => {
    for (const [level, expected] of [
      ['info', 2],
      ['warn', 0],
    ] as const) {
      const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn() };
      const ipc = createMemoryIpc({ logger, logLevel: level });
      const { webContents } = ipc.createRenderer({ url: 'memory://page' });
      ipc.close();
      expect(logger.info).toHaveBeenCalledTimes(expected);
      if (expected === 0) continue;
      expect(logger.info.mock.calls[0]).toEqual([
        { webContentsId: webContents.id, type: 'window', url: 'memory://page', origin: expect.any(String) },
        `ipc-anywhere: WebContents #${webContents.id} connected (window, memory://page).`,
      ]);
      expect(logger.info.mock.calls[1]![0]).toEqual({ webContentsId: webContents.id });
    }
  });

  it('structured lines carry the channel, the WebContents id and the error', async () => {
    const logger = { error: vi.fn(), warn: vi.fn() };
    const thrown = await errorAndWarning(createMemoryIpc({ logger }));
    expect(logger.error).toHaveBeenCalledWith(
      { err: thrown, channel: 'fails', webContentsId: 1 },
      "Error occurred in handler for 'fails'",
    );
    expect(logger.warn).toHaveBeenCalledWith({ channel: 'nobody', webContentsId: 1 }, expect.any(String));
  });
});

describe('setLogger (its effect on running mains: logging-pino.test.ts)', () => {
  it('refuses a bad logger, level, option or main, naming it', () => {
    const invalid = (...words: string[]) =>
      expect.objectContaining({
        code: 'ERR_IPC_INVALID_ARGUMENT',
        message: expect.stringMatching(new RegExp(words.join('.*'))),
      });
    expect(() => setLogger({ warn() {} } as never)).toThrow(invalid('logger', 'consoleStyle'));
    expect(() => setLogger(console as never, { logLevel: 'loud' as never })).toThrow(invalid('logLevel'));
    expect(() => setLogger(console as never, { level: 'warn' } as never)).toThrow(
      invalid("unknown option 'level'"),
    );
    expect(() => setLogger(console as never, { main: {} as never })).toThrow(invalid('main', 'createMain'));
    expect(() => setLogger(console as never, [] as never)).toThrow(invalid('setLogger', 'options'));
  });
});
