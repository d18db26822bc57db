import type { Frame, Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import type { IpcServer, WebContents } from '../../../src/main.js';
import { chromiumSuite } from './browser.js';

/*
 * <webview> end to end: host pages and guest pages in headless Chromium, main in this process. The guest
 * fixture (fixtures/webview/guest.html) is Electron guest code: it says `ready` with sendToHost, answers
 * `ping` with `pong` and `note` with `noted`.
 */

const suite = chromiumSuite();
const { start } = suite;
const openHost = (server: IpcServer, path = '/page.html') => suite.open(server, path);

let markers = 0;

/** A unique query string for a guest URL, so tests can tell guests apart. */
function marker(): string {
  markers += 1;
  return `g${process.pid}x${markers}`;
}

/** Resolves with the next `<webview>` guest WebContents whose URL contains `text`. */
function nextGuest(server: IpcServer, text: string): Promise<WebContents> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no guest with '${text}' attached within 10 s`)), 10_000);
    const onCreated = (contents: WebContents) => {
      if (contents.getType() !== 'webview' || !contents.getURL().includes(text)) return;
      clearTimeout(timer);
      server.off('web-contents-created', onCreated);
      resolve(contents);
    };
    server.on('web-contents-created', onCreated);
  });
}

/**
 * Adds `<tag id=id src=src>` inside a `<div>` to the host page; every `ipc-message` it gets is recorded
 * in `window.log[id]`, and any that reaches its parent or the document (bubbling) in `window.outside`.
 */
function addWebview(page: Page, id: string, src: string, tag = 'webview'): Promise<void> {
  return page.evaluate(
    ({ id, src, tag }) => {
      const w = window as any;
      w.log ??= {};
      w.outside ??= [];
      if (!w.watchingDocument) {
        document.addEventListener('ipc-message', (event: any) => w.outside.push(event.channel));
        w.watchingDocument = true;
      }
      const parent = document.createElement('div');
      parent.addEventListener('ipc-message', (event: any) => w.outside.push(event.channel));
      const element = document.createElement(tag);
      element.id = id;
      element.setAttribute('src', src);
      w.log[id] = [];
      element.addEventListener('ipc-message', (event: any) =>
        w.log[id].push({
          channel: event.channel,
          args: event.args,
          frameId: event.frameId,
          bubbles: event.bubbles,
          cancelable: event.cancelable,
          plainEvent: Object.getPrototypeOf(event) === Event.prototype,
          own: ['channel', 'args', 'frameId'].filter((key) => Object.hasOwn(event, key)),
        }),
      );
      parent.append(element);
      document.body.append(parent);
    },
    { id, src, tag },
  );
}

function logOf(
  page: Page,
  id: string,
): Promise<{ channel: string; args: unknown[]; [key: string]: unknown }[]> {
  return page.evaluate((id) => (window as any).log[id], id);
}

function channelsOf(page: Page, id: string): Promise<string[]> {
  return logOf(page, id).then((log) => log.map((entry) => entry.channel));
}

/** The guest page's frame (playwright reaches cross-origin frames too). */
async function guestFrame(page: Page, text: string): Promise<Frame> {
  await expect.poll(() => page.frames().some((frame) => frame.url().includes(text))).toBe(true);
  return page.frames().find((frame) => frame.url().includes(text))!;
}

function webContentsIdOf(page: Page, id: string): Promise<number | string> {
  return page.evaluate((id) => {
    try {
      return (document.getElementById(id) as any).getWebContentsId();
    } catch (error) {
      return (error as Error).message;
    }
  }, id);
}

function destroyed(contents: WebContents): Promise<void> {
  return new Promise((resolve) => {
    if (contents.isDestroyed()) resolve();
    else contents.once('destroyed', () => resolve());
  });
}

describe('<webview> in a browser host page', () => {
  it('sendToHost reaches the element as a plain, non-bubbling, non-cancelable ipc-message event', async () => {
    const { main, server } = await start();
    const { page, webContents: host } = await openHost(server);
    const toMain = vi.fn();
    main.ipcMain.on('ready', toMain);
    const attachedOnHost = new Promise<WebContents>((resolve) =>
      host.once('did-attach-webview', (_event: unknown, guest: WebContents) => resolve(guest)),
    );
    const m = marker();
    const attached = nextGuest(server, m);
    await addWebview(page, 'a', `webview/guest.html?${m}`);
    const guest = await attached;
    guest.on('ipc-message', (event, channel) => {
      if (channel === 'ready') toMain(event);
    });
    guest.ipc.on('ready', toMain);

    await expect.poll(() => channelsOf(page, 'a')).toEqual(['ready']);
    const [event] = await logOf(page, 'a');
    expect(event).toEqual({
      channel: 'ready',
      args: [`?${m}`, server.url],
      frameId: [guest.id, 1],
      bubbles: false,
      cancelable: false,
      plainEvent: true,
      own: ['channel', 'args', 'frameId'],
    });
    expect(await page.evaluate(() => (window as any).outside)).toEqual([]);

    expect(guest.getType()).toBe('webview');
    expect(guest.hostWebContents).toBe(host);
    expect(host.hostWebContents).toBe(null);
    expect(await attachedOnHost).toBe(guest);
    expect(await webContentsIdOf(page, 'a')).toBe(guest.id);

    // The guest's own messages go to main as for any renderer, after its sendToHost.
    const fromGuest = new Promise((resolve) =>
      main.ipcMain.once('guest-send', (e, v) => resolve([e.sender, v])),
    );
    const frame = await guestFrame(page, m);
    await frame.evaluate(() => (window as any).ipcRenderer.send('guest-send', 42));
    expect(await fromGuest).toEqual([guest, 42]);
    expect(toMain).not.toHaveBeenCalled();
  });

  it("webview.send('ping', 'boom!') reaches the guest's listeners, which answer with sendToHost('pong')", async () => {
    const { server } = await start();
    const { page } = await openHost(server);
    const m = marker();
    await addWebview(page, 'a', `webview/guest.html?${m}`);
    // Called at once: no guest is attached yet, so the message waits for it.
    const outcome = await page.evaluate(() =>
      (document.getElementById('a') as any).send('ping', 'boom!', { n: 1 }).then(() => 'resolved'),
    );
    expect(outcome).toBe('resolved');
    await expect.poll(() => channelsOf(page, 'a')).toContain('pong');
    const pong = (await logOf(page, 'a')).find((entry) => entry.channel === 'pong');
    expect(pong?.args).toEqual(['boom!', { n: 1 }]);
    // Once attached, sends go straight through.
    await page.evaluate(() => (document.getElementById('a') as any).send('ping', 'again'));
    await expect.poll(async () => (await channelsOf(page, 'a')).filter((c) => c === 'pong').length).toBe(2);
  });

  it('works with the markup and script shape of Electron host pages (the demo)', async () => {
    const { server } = await start();
    const attached = nextGuest(server, '?markup');
    const { page } = await openHost(server, '/webview/host.html');
    await attached;
    await expect
      .poll(() => page.evaluate(() => (window as any).markup))
      .toEqual({
        upgraded: true,
        events: [
          { channel: 'ready', args: ['?markup', server.url] },
          { channel: 'noted', args: ['hello from the host'] },
        ],
        sent: 'resolved',
      });
  });

  it('a guest on a second allowed origin works', async () => {
    const { main, server } = await start();
    main.ipcMain.handle('whoami', (event) => event.senderFrame.origin);
    const { page, webContents: host } = await openHost(server);
    const otherOrigin = server.url.replace('127.0.0.1', 'localhost');
    expect(otherOrigin).not.toBe(server.url);
    const m = marker();
    const attached = nextGuest(server, m);
    await addWebview(page, 'a', `${otherOrigin}/webview/guest.html?${m}`);
    const guest = await attached;
    expect(guest.mainFrame.origin).toBe(otherOrigin);
    expect(guest.hostWebContents).toBe(host);
    await expect.poll(() => channelsOf(page, 'a')).toEqual(['ready']);
    expect((await logOf(page, 'a'))[0]!.args).toEqual([`?${m}`, otherOrigin]);
    await page.evaluate(() => (document.getElementById('a') as any).send('ping', 'cross-origin'));
    await expect.poll(() => channelsOf(page, 'a')).toEqual(['ready', 'pong']);
    const frame = await guestFrame(page, m);
    expect(await frame.evaluate(() => (window as any).ipcRenderer.invoke('whoami'))).toBe(otherOrigin);
  });

  it('a guest on an origin the server does not allow is refused', async () => {
    const { main, server, log } = await start({
      allowedOrigins: (origin) => origin.startsWith('http://127.0.0.1:'),
    });
    const { page } = await openHost(server);
    const m = marker();
    await addWebview(page, 'a', `${server.url.replace('127.0.0.1', 'localhost')}/webview/guest.html?${m}`);
    await guestFrame(page, m);
    await expect
      .poll(() => log.warn.some((entry) => entry.message.includes('not in allowedOrigins')))
      .toBe(true);
    expect(main.webContents.getAllWebContents().map((c) => c.getType())).toEqual(['window']);
  });

  it('sendToHost from a top-level page never reaches ipcMain', async () => {
    const { main, server, log } = await start();
    const { page, webContents } = await openHost(server);
    const seen = vi.fn();
    main.ipcMain.on('to-host', seen);
    webContents.on('ipc-message', (_event, channel) => {
      if (channel === 'to-host') seen();
    });
    webContents.ipc.on('to-host', seen);
    const after = new Promise((resolve) => main.ipcMain.once('after', resolve));
    await page.evaluate(() => {
      const { ipcRenderer } = window as any;
      ipcRenderer.sendToHost('to-host', 1);
      ipcRenderer.send('after');
    });
    await after;
    expect(seen).not.toHaveBeenCalled();
    expect(log.error).toEqual([]);
  });

  it('keeps two webviews in one host apart', async () => {
    const { server } = await start();
    const { page } = await openHost(server);
    const [ma, mb] = [marker(), marker()];
    const attachedA = nextGuest(server, ma);
    const attachedB = nextGuest(server, mb);
    await addWebview(page, 'a', `webview/guest.html?${ma}`);
    await addWebview(page, 'b', `webview/guest.html?${mb}`);
    const [guestA, guestB] = await Promise.all([attachedA, attachedB]);
    expect(guestA.id).not.toBe(guestB.id);
    await expect.poll(() => channelsOf(page, 'a')).toEqual(['ready']);
    await expect.poll(() => channelsOf(page, 'b')).toEqual(['ready']);
    expect((await logOf(page, 'a'))[0]!.args[0]).toBe(`?${ma}`);
    expect((await logOf(page, 'b'))[0]!.args[0]).toBe(`?${mb}`);
    expect(await webContentsIdOf(page, 'a')).toBe(guestA.id);
    expect(await webContentsIdOf(page, 'b')).toBe(guestB.id);

    await page.evaluate(() => (document.getElementById('a') as any).send('ping', 'only a'));
    await expect.poll(() => channelsOf(page, 'a')).toEqual(['ready', 'pong']);
    await page.evaluate(() => (document.getElementById('b') as any).send('note', { text: 'only b' }));
    await expect.poll(() => channelsOf(page, 'b')).toEqual(['ready', 'noted']);
    expect(await channelsOf(page, 'a')).toEqual(['ready', 'pong']);
    expect(await (await guestFrame(page, ma)).evaluate(() => (window as any).received)).toEqual([]);
  });

  it('removing the element destroys the guest WebContents', async () => {
    const { main, server } = await start();
    const { page } = await openHost(server);
    const m = marker();
    const attached = nextGuest(server, m);
    await addWebview(page, 'a', `webview/guest.html?${m}`);
    const guest = await attached;
    await expect.poll(() => channelsOf(page, 'a')).toEqual(['ready']);
    const gone = destroyed(guest);
    const afterRemoval = await page.evaluate(() => {
      const element = document.getElementById('a') as any;
      element.parentElement.remove();
      return new Promise((resolve) => setTimeout(resolve, 0)).then(async () => ({
        send: await element.send('ping', 'late').then(
          () => 'resolved',
          (error: any) => error.code,
        ),
        frames: element.querySelectorAll('iframe').length,
      }));
    });
    await gone;
    expect(guest.isDestroyed()).toBe(true);
    expect(main.webContents.getAllWebContents()).not.toContain(guest);
    expect(main.webContents.fromId(guest.id)).toBeUndefined();
    expect(afterRemoval).toEqual({ send: 'ERR_IPC_NOT_CONNECTED', frames: 0 });
  });

  it('a new src loads a new guest; the old one is destroyed', async () => {
    const { server } = await start();
    const { page } = await openHost(server);
    const [first, second] = [marker(), marker()];
    const attachedFirst = nextGuest(server, first);
    await addWebview(page, 'a', `webview/guest.html?${first}`);
    const guestFirst = await attachedFirst;
    await expect.poll(() => channelsOf(page, 'a')).toEqual(['ready']);
    const attachedSecond = nextGuest(server, second);
    await page.evaluate((src) => {
      (document.getElementById('a') as any).src = src;
    }, `webview/guest.html?${second}`);
    const guestSecond = await attachedSecond;
    await destroyed(guestFirst);
    await expect.poll(() => webContentsIdOf(page, 'a')).toBe(guestSecond.id);
    await expect
      .poll(async () => (await logOf(page, 'a')).map((entry) => entry.args[0]))
      .toEqual([`?${first}`, `?${second}`]);
  });

  it('a navigation inside the guest attaches the next page to the same element', async () => {
    const { server } = await start();
    const { page, webContents: host } = await openHost(server);
    const [first, next] = [marker(), marker()];
    const attachedFirst = nextGuest(server, first);
    await addWebview(page, 'a', `webview/guest.html?${first}`);
    const guestFirst = await attachedFirst;
    await expect.poll(() => channelsOf(page, 'a')).toEqual(['ready']);
    const attachedNext = nextGuest(server, next);
    const frame = await guestFrame(page, first);
    await frame.evaluate((url) => {
      location.href = url;
    }, `guest.html?${next}`);
    const guestNext = await attachedNext;
    await destroyed(guestFirst);
    expect(guestNext.hostWebContents).toBe(host);
    await expect.poll(() => webContentsIdOf(page, 'a')).toBe(guestNext.id);
    await expect
      .poll(async () => (await logOf(page, 'a')).map((entry) => [entry.args[0], entry.frameId]))
      .toEqual([
        [`?${first}`, [guestFirst.id, 1]],
        [`?${next}`, [guestNext.id, 1]],
      ]);
  });

  it('<ipc-webview> is the same element as a real custom element', async () => {
    const { server } = await start();
    const { page } = await openHost(server);
    const m = marker();
    const attached = nextGuest(server, m);
    await addWebview(page, 'a', `webview/guest.html?${m}`, 'ipc-webview');
    const guest = await attached;
    await page.evaluate(() => (document.getElementById('a') as any).send('ping', 'custom'));
    await expect.poll(() => channelsOf(page, 'a')).toEqual(['ready', 'pong']);
    expect(await webContentsIdOf(page, 'a')).toBe(guest.id);
    const gone = destroyed(guest);
    await page.evaluate(() => document.getElementById('a')!.remove());
    await gone;
  });

  it("getWebContentsId() throws Electron's error until a guest attaches", async () => {
    const { server } = await start();
    const { page } = await openHost(server);
    await addWebview(page, 'a', 'webview/no-such-page.html');
    expect(await webContentsIdOf(page, 'a')).toBe(
      'The WebView must be attached to the DOM and the dom-ready event emitted before this method can be called.',
    );
  });
});

describe('<webview> guests cannot attach to a host that did not embed them', () => {
  it('a frame that names itself with a token no host registered is refused', async () => {
    const { main, server, log } = await start();
    const { page } = await openHost(server);
    const m = marker();
    await page.evaluate((src) => {
      const frame = document.createElement('iframe');
      frame.name = `ipc-anywhere-guest:${'A'.repeat(43)}`;
      frame.src = src;
      document.body.append(frame);
    }, `webview/guest.html?${m}`);
    const frame = await guestFrame(page, m);
    await expect
      .poll(() => log.warn.some((entry) => entry.message.includes('unknown or already used guest token')))
      .toBe(true);
    const code = await frame.evaluate(() =>
      (window as any).ipcRenderer.invoke('anything').then(
        () => 'resolved',
        (error: any) => error.code,
      ),
    );
    expect(code).toBe('ERR_IPC_CLOSED');
    expect(main.webContents.getAllWebContents().map((c) => c.getType())).toEqual(['window']);
  });

  it("a page reusing a guest's token, or taking its frame's next token while it lives, is refused", async () => {
    const { main, server, log } = await start();
    const { page } = await openHost(server);
    const m = marker();
    const attached = nextGuest(server, m);
    await addWebview(page, 'a', `webview/guest.html?${m}`);
    await attached;
    const used = await page.evaluate(() => document.querySelector('#a iframe')!.getAttribute('name'));
    const next = await (await guestFrame(page, m)).evaluate(() => window.name);
    expect(used).toMatch(/^ipc-anywhere-guest:[A-Za-z0-9_-]{43}$/);
    expect(next).toMatch(/^ipc-anywhere-guest:[A-Za-z0-9_-]{43}$/);
    expect(next).not.toBe(used);

    // Another page of an allowed origin (here: the same host page, in a plain frame) tries both.
    for (const [index, name] of [used, next].entries()) {
      const text = `${m}-thief${index}`;
      await page.evaluate(
        ({ name, src }) => {
          const frame = document.createElement('iframe');
          frame.name = name!;
          frame.src = src;
          document.body.append(frame);
        },
        { name, src: `webview/guest.html?${text}` },
      );
      await guestFrame(page, text);
    }
    await expect
      .poll(() => log.warn.filter((entry) => entry.message.includes('refused a <webview> guest')).length)
      .toBe(2);
    expect(log.warn.map((entry) => entry.message).join('\n')).toMatch(/unknown or already used guest token/);
    expect(log.warn.map((entry) => entry.message).join('\n')).toMatch(/the frame still has its guest/);
    expect(main.webContents.getAllWebContents().map((c) => c.getType())).toEqual(['window', 'webview']);
  });

  it('a top-level page with a token in window.name connects as a plain window', async () => {
    const { server } = await start();
    const { page } = await openHost(server);
    const m = marker();
    const created = new Promise<WebContents>((resolve) => {
      const onCreated = (contents: WebContents) => {
        if (!contents.getURL().includes(m)) return;
        server.off('web-contents-created', onCreated);
        resolve(contents);
      };
      server.on('web-contents-created', onCreated);
    });
    await page.evaluate((url) => {
      window.name = `ipc-anywhere-guest:${'B'.repeat(43)}`;
      location.href = url;
    }, `/webview/guest.html?${m}`);
    const contents = await created;
    expect(contents.getType()).toBe('window');
    expect(contents.hostWebContents).toBe(null);
  });
});
