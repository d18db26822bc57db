import { createServer as createHttpServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { attach, createMain, createServer, type IpcServer } from '../../src/main.js';
import {
  canonicalOrigin,
  checkAllowedOrigins,
  checkByteCount,
  checkOptionNames,
} from '../../src/protocol/options.js';
import {
  createConnectionKey,
  KEY_PROTOCOL_PREFIX,
  SUBPROTOCOL,
  WS_PATH,
} from '../../src/transports/websocket/wire.js';
import { recordingLogger } from '../conformance/harness.js';

const FIXTURES = fileURLToPath(new URL('../transports/websocket/fixtures/', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** The error a call is expected to fail with: ERR_IPC_INVALID_ARGUMENT, its message naming `words`. */
function invalid(...words: string[]) {
  return expect.objectContaining({
    code: 'ERR_IPC_INVALID_ARGUMENT',
    message: expect.stringMatching(new RegExp(words.map(escapeRegExp).join('.*'), 's')),
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const main = createMain({ logger: recordingLogger().logger });

describe('createServer options (issue #12 item 8)', () => {
  const refused: [name: string, options: Record<string, unknown>, ...words: string[]][] = [
    ['a typo', { statc: FIXTURES }, "unknown option 'statc'", "did you mean 'static'"],
    ['a typo in case', { maxpayload: 1024 }, "did you mean 'maxPayload'"],
    ['an unknown name', { verbose: true }, "unknown option 'verbose'", 'known options'],
    ['a missing static directory', { static: '/no/such/dir' }, 'static', 'does not exist'],
    ['a static file, not a directory', { static: THIS_FILE }, 'static', 'is a file; expected a directory'],
    ['a non-string static', { static: 42 }, 'static'],
    ['a port out of range', { port: 70000 }, 'port', '0 (any free port) to 65535'],
    ['a negative port', { port: -1 }, 'port'],
    ['a port as a string', { port: '8080' }, 'port', '"8080"'],
    ['a fractional port', { port: 80.5 }, 'port'],
    ['a host with a scheme', { host: 'http://localhost' }, 'host', 'without scheme'],
    ['an empty host', { host: '' }, 'host'],
    ['a non-string host', { host: 127 }, 'host'],
    ['a zero maxPayload', { maxPayload: 0 }, 'maxPayload', 'whole number of bytes'],
    ['a fractional maxPayload', { maxPayload: 1024.5 }, 'maxPayload'],
    ['a maxPayload as a string', { maxPayload: '1mb' }, 'maxPayload'],
    ['a negative maxBufferedBytes', { maxBufferedBytes: -1 }, 'maxBufferedBytes'],
    ['a NaN maxBufferedBytes', { maxBufferedBytes: Number.NaN }, 'maxBufferedBytes'],
    ['a string maxTotalBufferedBytes', { maxTotalBufferedBytes: '1' }, 'maxTotalBufferedBytes'],
    [
      'a maxTotalBufferedBytes under one message',
      { maxPayload: 1 << 20, maxTotalBufferedBytes: 1024 },
      'maxTotalBufferedBytes',
      'one message of the largest size must fit',
    ],
    ['a negative heartbeatInterval', { heartbeatInterval: -1 }, 'heartbeatInterval', 'no heartbeat'],
    ['a heartbeatInterval too long for a timer', { heartbeatInterval: 2 ** 31 }, 'heartbeatInterval'],
    ['a zero maxSyncTimeout', { maxSyncTimeout: 0 }, 'maxSyncTimeout', 'above 0'],
    ['a missing clientScript', { clientScript: '/no/such/renderer.js' }, 'clientScript', 'does not exist'],
    ['a clientScript directory', { clientScript: FIXTURES }, 'clientScript', 'expected a file'],
    ['a main that is not one', { main: {} }, 'main', 'createMain()'],
    ['a string allowMissingOrigin', { allowMissingOrigin: 'no' }, 'allowMissingOrigin', 'true or false'],
    [
      'allowedOrigins with a path',
      { allowedOrigins: 'https://app.example/app' },
      'allowedOrigins',
      'not an origin',
    ],
    ['allowedOrigins as a wildcard', { allowedOrigins: ['*'] }, 'allowedOrigins', '() => true'],
    ['allowedOrigins of null', { allowedOrigins: ['null'] }, 'allowedOrigins', "'null' origin"],
    ['allowedOrigins as a number', { allowedOrigins: 42 }, 'allowedOrigins', 'a list of origins'],
    ['allowedOrigins with a non-string', { allowedOrigins: ['https://a.example', 7] }, 'allowedOrigins'],
    ['allowedHosts as a string', { allowedHosts: 'app.example' }, 'allowedHosts'],
    ['allowedHosts with a URL', { allowedHosts: ['https://app.example'] }, 'allowedHosts[0]'],
  ];

  for (const [what, options, ...words] of refused) {
    it(`rejects ${what}, naming the option`, async () => {
      await expect(createServer({ main, ...options } as never)).rejects.toThrow(invalid(...words));
    });
  }

  it('rejects options that are not an object', async () => {
    await expect(createServer('static' as never)).rejects.toThrow(invalid('createServer', 'options'));
    await expect(createServer(null as never)).rejects.toThrow(invalid('createServer', 'options'));
  });

  it('accepts every documented option with a valid value', async () => {
    const server = await createServer({
      main,
      host: '127.0.0.1',
      port: 0,
      static: FIXTURES,
      allowedOrigins: 'https://app.example',
      allowedHosts: ['app.example'],
      allowMissingOrigin: false,
      maxPayload: 1 << 20,
      maxBufferedBytes: 1 << 20,
      maxTotalBufferedBytes: Number.POSITIVE_INFINITY,
      heartbeatInterval: 0,
      maxSyncTimeout: Number.POSITIVE_INFINITY,
      clientScript: THIS_FILE,
      preload: [THIS_FILE],
    });
    cleanup.push(() => server.close());
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('attach options', () => {
  async function listening(): Promise<Server> {
    const http = createHttpServer((_req, res) => res.end('app'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => http.close(resolve)));
    return http;
  }

  it('throws when there is no http server to attach to', () => {
    expect(() => attach(undefined as never)).toThrow(invalid('attach(httpServer)', 'got undefined'));
    // An Express app is a function, not the server app.listen() returns.
    expect(() => attach(((_req: unknown, _res: unknown) => {}) as never)).toThrow(
      invalid('app.listen()', 'a function'),
    );
  });

  it('throws synchronously for a bad option, and leaves the server untouched', async () => {
    const http = await listening();
    const before = http.listeners('request');
    expect(() => attach(http, { main, static: '/no/such/dir' })).toThrow(invalid('static'));
    expect(() => attach(http, { main, port: 80 } as never)).toThrow(
      invalid("unknown option 'port'", 'the http server you give it'),
    );
    expect(http.listeners('request')).toEqual(before);
  });
});

describe('createMain options', () => {
  it('refuses unknown names, suggesting a close one', () => {
    expect(() => createMain({ loger: console } as never)).toThrow(
      invalid("'loger'", "did you mean 'logger'"),
    );
    expect(() => createMain({ syncReplyTimeOut: 5 } as never)).toThrow(
      invalid("did you mean 'syncReplyTimeout'"),
    );
  });

  it('refuses a logger without error and warn functions, pointing at consoleStyle', () => {
    expect(() => createMain({ logger: {} as never })).toThrow(
      invalid('logger', 'error(fields, message)', 'warn(fields, message)', 'consoleStyle(logger)'),
    );
    expect(() => createMain({ logger: { warn: () => {} } as never })).toThrow(invalid('logger'));
    expect(() => createMain({ logger: 'console' as never })).toThrow(invalid('logger'));
    const noInfo = { error() {}, warn() {}, info: 'yes' };
    expect(() => createMain({ logger: noInfo as never })).toThrow(invalid('logger'));
  });

  it('refuses an unknown logLevel, listing the levels', () => {
    expect(() => createMain({ logLevel: 'verbose' as never })).toThrow(
      invalid('logLevel', "'silent', 'error', 'warn', 'info', 'debug'", '"verbose"'),
    );
    expect(() => createMain({ logLevel: 2 as never })).toThrow(invalid('logLevel', '(got 2)'));
    expect(() => createMain({ loglevel: 'warn' } as never)).toThrow(invalid("did you mean 'logLevel'"));
  });

  it('refuses a bad syncReplyTimeout or allowSendTo, and options that are not an object', () => {
    expect(() => createMain({ syncReplyTimeout: 0 })).toThrow(invalid('syncReplyTimeout'));
    expect(() => createMain({ allowSendTo: true as never })).toThrow(invalid('allowSendTo', 'function'));
    expect(() => createMain([] as never)).toThrow(invalid('createMain', 'options'));
  });

  it('accepts its documented options', () => {
    expect(() =>
      createMain({
        logger: { warn() {}, error() {} },
        logLevel: 'debug',
        limits: { maxPayload: 1 << 20 },
        syncReplyTimeout: 1000,
        allowSendTo: () => true,
      }),
    ).not.toThrow();
  });
});

describe('allowedOrigins as a string means exactly that origin (issue #12 row 10)', () => {
  /** The upgrade's HTTP status, or 101 when the server took it. */
  function upgradeStatus(server: IpcServer, origin: string): Promise<number> {
    const url = `${server.url.replace('http', 'ws')}${WS_PATH}`;
    return new Promise((resolve) => {
      const socket = new WebSocket(url, [SUBPROTOCOL, KEY_PROTOCOL_PREFIX + createConnectionKey()], {
        origin,
      });
      socket.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        socket.terminate();
      });
      socket.on('open', () => {
        resolve(101);
        socket.terminate();
      });
      socket.on('error', () => {});
    });
  }

  it('refuses prefixes and look-alikes that a substring match accepted', async () => {
    const server = await createServer({ main, allowedOrigins: 'https://app.example.com' });
    cleanup.push(() => server.close());
    for (const origin of [
      'https://app.example.co',
      'h',
      'https://app.example.com.evil.example',
      'http://app.example.com',
    ]) {
      expect([origin, await upgradeStatus(server, origin)]).toEqual([origin, 403]);
    }
    expect(await upgradeStatus(server, 'https://app.example.com')).toBe(101);
    expect(await upgradeStatus(server, 'https://APP.example.com:443')).toBe(101);
  });
});

describe('validators', () => {
  it('canonicalOrigin keeps only scheme://host[:port], lower case, default port dropped', () => {
    expect(canonicalOrigin('https://App.Example:443')).toBe('https://app.example');
    expect(canonicalOrigin('https://app.example/')).toBe('https://app.example');
    expect(canonicalOrigin('http://[::1]:8080')).toBe('http://[::1]:8080');
    expect(canonicalOrigin('chrome-extension://abcdef')).toBe('chrome-extension://abcdef');
    for (const bad of [
      'https://app.example/x',
      'https://user@app.example',
      'app.example',
      'null',
      '*',
      'h',
    ]) {
      expect([bad, canonicalOrigin(bad)]).toEqual([bad, undefined]);
    }
  });

  it('checkAllowedOrigins takes one origin, a list, or a predicate', () => {
    expect(() => checkAllowedOrigins('allowedOrigins', 'https://a.example')).not.toThrow();
    expect(() => checkAllowedOrigins('allowedOrigins', ['https://a.example', 'http://b:1'])).not.toThrow();
    expect(() => checkAllowedOrigins('allowedOrigins', () => true)).not.toThrow();
    expect(() => checkAllowedOrigins('allowedOrigins', 'a.example')).toThrow(invalid('not an origin'));
  });

  it('checkOptionNames suggests only close names', () => {
    const known = ['static', 'maxPayload'];
    expect(() => checkOptionNames('f', { statc: 1 }, known)).toThrow(invalid("did you mean 'static'"));
    expect(() => checkOptionNames('f', { colour: 1 }, known)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('did you mean') }),
    );
    expect(() => checkOptionNames('f', { static: 1 }, known)).not.toThrow();
  });

  it('checkByteCount refuses fractions, negatives, NaN and Infinity unless allowed', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1', null]) {
      expect(() => checkByteCount('n', bad)).toThrow(invalid('n must be a whole number of bytes'));
    }
    expect(() => checkByteCount('n', Number.POSITIVE_INFINITY, { allowInfinity: true })).not.toThrow();
    expect(() => checkByteCount('n', 10, { min: 11 })).toThrow(invalid('from 11'));
  });
});
