import { afterEach, describe, expect, it, vi } from 'vitest';
import { addRenderer, createMain } from '../../../src/api/main-context.js';
import { CONSOLE_BURST, MAX_PAGE_TITLE_LENGTH } from '../../../src/core/main/page-reports.js';
import type { WebContents } from '../../../src/core/main/web-contents-impl.js';
import { reportToMain, setPageAgent } from '../../../src/core/renderer/ipc-renderer-impl.js';
import type { ScriptRun } from '../../../src/core/renderer/page-agent.js';
import { IpcError, IpcErrorCode } from '../../../src/protocol/errors.js';
import { DEFAULT_LIMITS } from '../../../src/protocol/limits.js';
import { decodeFrame, encodeFrame, encodeMessage } from '../../../src/protocol/message-codec.js';
import {
  type MainToRendererMessage,
  MessageKind,
  PageCommand,
  PageEvent,
  type RendererToMainMessage,
} from '../../../src/protocol/messages.js';
import { createMemoryIpc } from '../../../src/testing.js';
import type { MainTransport, MainTransportEvents } from '../../../src/transports/transport.js';
import { LIFECYCLE_EVENTS } from './lifecycle-events.js';

const ORIGIN = 'http://app.test';

afterEach(() => {
  vi.useRealTimers();
});

/** A memory renderer standing in for a page: its agent records main's commands and runs `script`. */
function pageIn(ipc: ReturnType<typeof createMemoryIpc>, url = `${ORIGIN}/page`) {
  const { ipcRenderer, webContents } = ipc.createRenderer({ url });
  const commands: [command: number, url: string, token: string][] = [];
  const page = {
    ipcRenderer,
    webContents,
    commands,
    script: async (code: string): Promise<ScriptRun> => ({ outcome: 0, value: `ran ${code}` }),
    report(
      event: PageEvent,
      fields: { url?: string; title?: string; httpStatus?: number; loadToken?: string } = {},
    ) {
      reportToMain(ipcRenderer, {
        kind: MessageKind.PageState,
        event,
        httpStatus: 0,
        url,
        title: '',
        loadToken: '',
        ...fields,
      });
    },
  };
  setPageAgent(ipcRenderer, {
    runScript: (code) => page.script(code),
    command: (command, target, token) => commands.push([command, target, token]),
  });
  return page;
}

/** Every lifecycle event of `contents`, with its arguments after the event object. */
function recordEvents(contents: WebContents): unknown[][] {
  const seen: unknown[][] = [];
  for (const name of LIFECYCLE_EVENTS) {
    contents.on(name, (event: { sender: WebContents }, ...args: unknown[]) => {
      expect(event.sender).toBe(contents);
      seen.push([name, ...args]);
    });
  }
  contents.on('destroyed', () => seen.push(['destroyed']));
  return seen;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const names = (events: unknown[][]) => events.map(([name]) => name);

/** A main-side transport driven by hand (as in main-session.test.ts). */
function fakeTransport(resumable = false) {
  const sent: MainToRendererMessage[] = [];
  const closed: IpcError[] = [];
  let events!: MainTransportEvents;
  const transport: MainTransport = {
    capabilities: { sync: true, transfer: false },
    resumable,
    start: (e) => {
      events = e;
    },
    send: (frame) => sent.push(...decodeFrame(frame, 'renderer', DEFAULT_LIMITS)),
    close: (reason) => {
      closed.push(reason);
      events.close(reason);
    },
  };
  return {
    transport,
    sent,
    closed,
    get events() {
      return events;
    },
    deliver: (...messages: RendererToMainMessage[]) => events.frame(encodeFrame(messages.map(encodeMessage))),
  };
}

function fakePage(
  options: { type?: 'window' | 'remote' | 'worker'; resumable?: boolean; grace?: number } = {},
) {
  const logger = { warn: vi.fn(), error: vi.fn() };
  const main = createMain({ logger, resumeGracePeriod: options.grace ?? 0 });
  const peer = fakeTransport(options.resumable);
  const contents = addRenderer(main, peer.transport, {
    type: options.type ?? 'window',
    url: `${ORIGIN}/`,
    origin: ORIGIN,
  });
  return { main, logger, peer, contents };
}

function pageState(seq: number, event: PageEvent, url: string, title = ''): RendererToMainMessage {
  return { kind: MessageKind.PageState, seq, event, httpStatus: 0, url, title, loadToken: '' };
}

describe('page lifecycle events', () => {
  it('a page load emits Electron’s events in Electron’s order, and isLoading() follows it', async () => {
    const ipc = createMemoryIpc();
    const page = pageIn(ipc);
    const seen = recordEvents(page.webContents);
    const loading: boolean[] = [];
    page.webContents.on('dom-ready', () => loading.push(page.webContents.isLoading()));
    page.report(PageEvent.Loading, { title: 'Home', httpStatus: 200 });
    page.report(PageEvent.DomReady, { title: 'Home' });
    page.report(PageEvent.Loaded, { title: 'Home' });
    await settle();
    expect(seen).toEqual([
      ['did-start-loading'],
      ['did-navigate', `${ORIGIN}/page`, 200, 'OK'],
      ['page-title-updated', 'Home', true],
      ['dom-ready'],
      ['did-finish-load'],
      ['did-stop-loading'],
    ]);
    expect(loading).toEqual([true]);
    expect(page.webContents.isLoading()).toBe(false);
    expect(page.webContents.getTitle()).toBe('Home');
  });

  it('a page that reports late (already loaded) gets every stage once; repeats change nothing', async () => {
    const ipc = createMemoryIpc();
    const page = pageIn(ipc);
    const seen = recordEvents(page.webContents);
    page.report(PageEvent.Loaded);
    page.report(PageEvent.Loading);
    page.report(PageEvent.DomReady);
    await settle();
    expect(seen.map(([name]) => name)).toEqual([
      'did-start-loading',
      'did-navigate',
      'dom-ready',
      'did-finish-load',
      'did-stop-loading',
    ]);
  });

  it('in-page navigation moves getURL(), mainFrame.url and event.senderFrame.url', async () => {
    const ipc = createMemoryIpc();
    const page = pageIn(ipc);
    const seen = recordEvents(page.webContents);
    const frames: string[] = [];
    ipc.ipcMain.on('where', (event) => frames.push(event.senderFrame.url));
    page.report(PageEvent.Loading);
    page.report(PageEvent.InPageNavigation, { url: `${ORIGIN}/page#settings` });
    page.ipcRenderer.send('where');
    await settle();
    expect(seen.at(-1)).toEqual([
      'did-navigate-in-page',
      `${ORIGIN}/page#settings`,
      true,
      page.webContents.getProcessId(),
      1,
    ]);
    expect(page.webContents.getURL()).toBe(`${ORIGIN}/page#settings`);
    expect(page.webContents.mainFrame.url).toBe(`${ORIGIN}/page#settings`);
    expect(frames).toEqual([`${ORIGIN}/page#settings`]);
  });

  it('title changes emit page-title-updated once per new title; long titles are cut', async () => {
    const ipc = createMemoryIpc();
    const page = pageIn(ipc);
    const titles: string[] = [];
    page.webContents.on('page-title-updated', (_event, title: string) => titles.push(title));
    page.report(PageEvent.Loading, { title: 'a' });
    page.report(PageEvent.TitleChanged, { title: 'a' });
    page.report(PageEvent.TitleChanged, { title: 'x'.repeat(10_000) });
    await settle();
    expect(titles.map((t) => t.length)).toEqual([1, MAX_PAGE_TITLE_LENGTH]);
    expect(page.webContents.getTitle()).toHaveLength(MAX_PAGE_TITLE_LENGTH);
  });

  it('a listener that throws is logged and the page stays connected', async () => {
    const logger = { warn: vi.fn(), error: vi.fn() };
    const ipc = createMemoryIpc({ logger });
    const page = pageIn(ipc);
    page.webContents.on('dom-ready', () => {
      throw new Error('listener bug');
    });
    page.report(PageEvent.DomReady);
    await settle();
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.any(Error) }),
      expect.stringContaining("'dom-ready'"),
    );
    expect(page.webContents.isDestroyed()).toBe(false);
  });
});

describe('hostile page reports', () => {
  it.each([
    ['a URL of another origin', 'http://evil.test/'],
    ['a URL that does not parse', 'not a url'],
    ['a URL longer than Chromium allows', `${ORIGIN}/${'a'.repeat(2 * 1024 * 1024)}`],
  ])('%s closes only that page with ERR_IPC_PROTOCOL', (_name, url) => {
    const { peer, contents, logger } = fakePage();
    peer.deliver(pageState(1, PageEvent.InPageNavigation, url));
    expect(peer.closed.map((reason) => reason.code)).toEqual(['ERR_IPC_PROTOCOL']);
    expect(contents.isDestroyed()).toBe(true);
    expect(contents.getURL()).toBe(`${ORIGIN}/`);
    expect(logger.error).toHaveBeenCalled();
  });

  it.each(['remote', 'worker'] as const)(
    'a %s renderer that reports page state or console is closed',
    (type) => {
      for (const message of [
        pageState(1, PageEvent.Loading, `${ORIGIN}/`),
        { kind: MessageKind.ConsoleMessage, seq: 1, level: 1, line: 0, message: 'x', sourceId: '' } as const,
      ]) {
        const { peer } = fakePage({ type });
        peer.deliver(message);
        expect(peer.closed.map((reason) => reason.code)).toEqual(['ERR_IPC_PROTOCOL']);
      }
    },
  );

  it('a script result nobody asked for is counted and dropped, the page stays', () => {
    const { peer, contents } = fakePage();
    peer.deliver({ kind: MessageKind.ScriptResult, seq: 1, id: 99, outcome: 0, value: 1 });
    expect(peer.closed).toEqual([]);
    expect(contents.isDestroyed()).toBe(false);
  });
});

describe("'console-message'", () => {
  it('is opt-in: the page is asked to report only while main listens, and internals stay out of eventNames()', async () => {
    const { peer, contents } = fakePage();
    const commands = () =>
      peer.sent
        .filter((m) => m.kind === MessageKind.PageCommand)
        .map((m) => (m as { command: number }).command);
    await settle();
    expect(commands()).toEqual([]);
    const first = () => {};
    const second = () => {};
    contents.on('console-message', first);
    contents.once('console-message', second);
    await settle();
    expect(commands()).toEqual([PageCommand.ReportConsole]);
    contents.off('console-message', first);
    await settle();
    expect(commands()).toEqual([PageCommand.ReportConsole]);
    contents.removeAllListeners('console-message');
    await settle();
    expect(commands()).toEqual([PageCommand.ReportConsole, PageCommand.StopConsole]);
    expect(contents.eventNames()).toEqual([]);
  });

  it('gets Electron 35’s event object and the deprecated positional arguments', () => {
    const { peer, contents } = fakePage();
    const seen: unknown[][] = [];
    contents.on('console-message', (...args: unknown[]) => seen.push(args));
    peer.deliver({
      kind: MessageKind.ConsoleMessage,
      seq: 1,
      level: 2,
      line: 12,
      message: 'careful',
      sourceId: `${ORIGIN}/app.js`,
    });
    const [event, level, message, line, sourceId] = seen[0]!;
    expect(event).toMatchObject({
      sender: contents,
      message: 'careful',
      level: 'warning',
      lineNumber: 12,
      sourceId: `${ORIGIN}/app.js`,
      frame: contents.mainFrame,
    });
    expect([level, message, line, sourceId]).toEqual([2, 'careful', 12, `${ORIGIN}/app.js`]);
  });

  it('is rationed: a flood reaches listeners as a burst of CONSOLE_BURST, logged once', () => {
    const { peer, contents, logger } = fakePage();
    let count = 0;
    contents.on('console-message', () => count++);
    const flood = Array.from({ length: 1000 }, (_, i) => ({
      kind: MessageKind.ConsoleMessage,
      seq: i + 1,
      level: 1 as const,
      line: 0,
      message: 'x',
      sourceId: '',
    }));
    peer.deliver(...flood);
    expect(count).toBeGreaterThanOrEqual(CONSOLE_BURST);
    expect(count).toBeLessThan(CONSOLE_BURST + 10);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(peer.closed).toEqual([]);
  });

  it('cuts long texts', () => {
    const { peer, contents } = fakePage();
    let text = '';
    contents.on('console-message', (event: { message: string }) => {
      text = event.message;
    });
    peer.deliver({
      kind: MessageKind.ConsoleMessage,
      seq: 1,
      level: 1,
      line: 0,
      message: 'y'.repeat(100_000),
      sourceId: '',
    });
    expect(text.length).toBe(16 * 1024);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('executeJavaScript', () => {
  it('resolves with the completion value, rejects with what the page threw', async () => {
    const ipc = createMemoryIpc();
    const page = pageIn(ipc);
    expect(await page.webContents.executeJavaScript('1 + 1')).toBe('ran 1 + 1');
    page.script = async () => ({ outcome: 1, value: new TypeError('boom') });
    const thrown = await page.webContents.executeJavaScript('x()').catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toBe('boom');
    page.script = async () => ({ outcome: 1, value: 'a string' });
    await expect(page.webContents.executeJavaScript('throw "a string"')).rejects.toBe('a string');
  });

  it('a page whose CSP forbids eval rejects with ERR_IPC_EVAL_BLOCKED', async () => {
    const ipc = createMemoryIpc();
    const page = pageIn(ipc);
    page.script = async () => ({
      outcome: 2,
      error: new IpcError(IpcErrorCode.EvalBlocked, 'no unsafe-eval'),
    });
    await expect(page.webContents.executeJavaScript('1')).rejects.toMatchObject({
      code: 'ERR_IPC_EVAL_BLOCKED',
      message: 'no unsafe-eval',
    });
  });

  it('a result that cannot be cloned rejects with ERR_IPC_NOT_CLONEABLE', async () => {
    const ipc = createMemoryIpc();
    const page = pageIn(ipc);
    page.script = async () => ({ outcome: 0, value: () => {} });
    await expect(page.webContents.executeJavaScript('() => {}')).rejects.toMatchObject({
      code: 'ERR_IPC_NOT_CLONEABLE',
    });
  });

  it('a renderer without a page agent answers ERR_IPC_NOT_A_PAGE; remote and worker renderers are refused at once', async () => {
    const ipc = createMemoryIpc();
    const { webContents } = ipc.createRenderer();
    await expect(webContents.executeJavaScript('1')).rejects.toMatchObject({ code: 'ERR_IPC_NOT_A_PAGE' });
    for (const type of ['remote', 'worker'] as const) {
      const { contents, peer } = fakePage({ type });
      await expect(contents.executeJavaScript('1')).rejects.toMatchObject({ code: 'ERR_IPC_NOT_A_PAGE' });
      expect(() => contents.reload()).toThrow(expect.objectContaining({ code: 'ERR_IPC_NOT_A_PAGE' }));
      await expect(contents.loadURL('/x')).rejects.toMatchObject({ code: 'ERR_IPC_NOT_A_PAGE' });
      expect(peer.sent.filter((m) => m.kind !== MessageKind.Hello)).toEqual([]);
    }
  });

  it('a pending call rejects with ERR_IPC_CLOSED when the page goes; a destroyed page rejects at once', async () => {
    const { contents, peer } = fakePage();
    const pending = contents.executeJavaScript('new Promise(() => {})');
    await settle();
    expect(peer.sent.at(-1)).toMatchObject({ kind: MessageKind.ExecuteJavaScript, userGesture: false });
    contents.close();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_IPC_CLOSED' });
    await expect(contents.executeJavaScript('1')).rejects.toMatchObject({ code: 'ERR_IPC_CLOSED' });
  });
});

describe("'render-process-gone'", () => {
  it('precedes destroyed when a non-resumable connection drops without a goodbye', () => {
    const { peer, contents } = fakePage();
    const seen = recordEvents(contents);
    const crashed: boolean[] = [];
    contents.on('render-process-gone', () => crashed.push(contents.isCrashed(), contents.isDestroyed()));
    peer.events.suspended!(new IpcError(IpcErrorCode.Closed, "The page's socket closed (code 1006)."));
    expect(seen).toEqual([
      [
        'render-process-gone',
        expect.objectContaining({ reason: 'abnormal-exit', exitCode: -1, error: expect.any(IpcError) }),
      ],
      ['destroyed'],
    ]);
    expect(crashed).toEqual([true, false]);
  });

  const browserClosed = () => new IpcError(IpcErrorCode.Closed, "The page's socket closed (code 1001).");

  it('is not emitted for a goodbye: a page that said it leaves, a renderer that never reported, main closing it', () => {
    for (const end of ['pagehide', 'no reports', 'main', 'server shutdown'] as const) {
      const { peer, contents } = fakePage();
      const seen = recordEvents(contents);
      if (end !== 'no reports') peer.deliver(pageState(1, PageEvent.Loading, `${ORIGIN}/`));
      if (end === 'pagehide') peer.deliver(pageState(2, PageEvent.Unloading, `${ORIGIN}/`));
      if (end === 'main') contents.close();
      else if (end === 'server shutdown')
        peer.events.close(new IpcError(IpcErrorCode.Closed, 'The server closed.'));
      else peer.events.close(browserClosed());
      expect([
        end,
        names(seen).filter((name) => name === 'render-process-gone' || name === 'destroyed'),
      ]).toEqual([end, ['destroyed']]);
      expect(contents.isCrashed()).toBe(false);
    }
  });

  it('is emitted when the browser closes the socket of a page that reported loading and said no goodbye', () => {
    // Chromium closes a crashed tab's socket with 1001, as for a navigation: only the goodbye tells them apart.
    const { peer, contents } = fakePage();
    const seen = recordEvents(contents);
    peer.deliver(pageState(1, PageEvent.Loading, `${ORIGIN}/`));
    peer.events.close(browserClosed());
    expect(names(seen).slice(-2)).toEqual(['render-process-gone', 'destroyed']);
    expect(contents.isCrashed()).toBe(true);
  });

  it('comes when a resumable page does not return within the grace period, not when it does', async () => {
    vi.useFakeTimers();
    const { peer, contents } = fakePage({ resumable: true, grace: 1000 });
    const seen = recordEvents(contents);
    peer.events.suspended!(new IpcError(IpcErrorCode.Closed, 'code 1006'));
    vi.advanceTimersByTime(999);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen.map(([name]) => name)).toEqual(['render-process-gone', 'destroyed']);
  });
});

describe('reload and loadURL', () => {
  it('reload() sends the page its command; a destroyed page ignores it', async () => {
    const ipc = createMemoryIpc();
    const page = pageIn(ipc);
    page.webContents.reload();
    await settle();
    expect(page.commands).toEqual([[PageCommand.Reload, '', '']]);
    page.webContents.close();
    page.webContents.reload();
    await settle();
    expect(page.commands).toHaveLength(1);
  });

  it('resolves with the next page of the same origin once it has loaded', async () => {
    const ipc = createMemoryIpc();
    const first = pageIn(ipc);
    const loaded = first.webContents.loadURL('/next?x=1');
    await settle();
    const [[command, url, token]] = first.commands;
    expect([command, url]).toEqual([PageCommand.LoadURL, `${ORIGIN}/next?x=1`]);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    first.webContents.close();
    // A page of another origin presenting the token is ignored.
    const stranger = pageIn(ipc, 'http://other.test/next');
    stranger.report(PageEvent.Loading, { url: 'http://other.test/next', loadToken: token });
    stranger.report(PageEvent.Loaded, { url: 'http://other.test/next' });
    const next = pageIn(ipc, `${ORIGIN}/next?x=1`);
    next.report(PageEvent.Loading, { loadToken: token });
    let settled = false;
    loaded.then(() => {
      settled = true;
    });
    await settle();
    expect(settled).toBe(false);
    next.report(PageEvent.Loaded);
    expect(await loaded).toBe(next.webContents);
  });

  it('resolves undefined when no page presents the token within 5 s of the old page going', async () => {
    vi.useFakeTimers();
    const { contents, peer } = fakePage();
    const loaded = contents.loadURL(`${ORIGIN}/elsewhere`);
    await vi.advanceTimersByTimeAsync(0);
    expect(peer.sent.at(-1)).toMatchObject({ kind: MessageKind.PageCommand, command: PageCommand.LoadURL });
    peer.events.close(new IpcError(IpcErrorCode.Closed, 'code 1001'));
    let result: unknown = 'pending';
    loaded.then((value) => {
      result = value;
    });
    await vi.advanceTimersByTimeAsync(4999);
    expect(result).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(result).toBeUndefined();
  });

  it('rejects with ERR_IPC_TIMEOUT when the page is still there after 30 s', async () => {
    vi.useFakeTimers();
    const { contents } = fakePage();
    const loaded = contents.loadURL(`${ORIGIN}/stuck`);
    const outcome = loaded.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await outcome).toMatchObject({ code: 'ERR_IPC_TIMEOUT' });
  });

  it('refuses URLs that are not http(s), without an unhandled rejection', async () => {
    const { contents, peer } = fakePage();
    for (const url of ['javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd']) {
      await expect(contents.loadURL(url)).rejects.toMatchObject({ code: 'ERR_IPC_INVALID_ARGUMENT' });
    }
    expect(peer.sent.filter((m) => m.kind === MessageKind.PageCommand)).toEqual([]);
    // Electron attaches a no-op rejection handler: a rejection nobody awaits does not crash main.
    contents.loadURL('javascript:void 0');
  });
});
