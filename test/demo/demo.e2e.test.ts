import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../transports/websocket/browser.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Starts the demo the way a user does (`npm start`), on a free port by default, and resolves with its URL. */
function startDemo(port = 0): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`The demo did not start in time. Output:\n${output}`)),
      60_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]! });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The demo exited with code ${code}. Output:\n${output}`));
    });
  });
}

/** Stops the demo as Ctrl-C does and resolves once nothing listens on its port any more. */
async function stopDemo(demo: { child: ChildProcess; url: string }): Promise<void> {
  const exited = new Promise((resolve) => demo.child.once('exit', resolve));
  process.kill(-demo.child.pid!, 'SIGINT');
  await exited;
  // npm may exit before the node process under it has let go of the port.
  const port = Number(new URL(demo.url).port);
  for (let attempt = 0; await listening(port); attempt++) {
    if (attempt === 100) throw new Error(`The demo still listens on ${port} after it was stopped.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('demo app, driven through its UI in two Chromium tabs', () => {
  let demo: { child: ChildProcess; url: string };
  let browser: Browser;
  let tabA: Page;
  let tabB: Page;

  beforeAll(async () => {
    demo = await startDemo();
    browser = await launchChromium();
    tabA = await browser.newPage();
    tabB = await browser.newPage();
    await tabA.goto(`${demo.url}/`);
    await tabB.goto(`${demo.url}/`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (demo?.child.pid) process.kill(-demo.child.pid, 'SIGINT');
  });

  it('reads its settings with sendSync at start-up and says the page blocked', async () => {
    await expect
      .poll(() => tabA.textContent('#sync-note'))
      .toMatch(/sendSync: this page was blocked for [\d.]+ ms/);
    expect(await tabA.textContent('#title')).toBe('Team notes');
  });

  it('posts a note: acknowledged with event.reply, broadcast to the other tab with webContents.send', async () => {
    await tabA.fill('#note-input', 'Ship the release on Friday');
    await tabA.click('#note-post');
    await expect
      .poll(() => tabA.textContent('#note-status'))
      .toMatch(/stored your note #\d+ \(event\.reply\)/);
    await expect.poll(() => tabB.textContent('#notes')).toContain('Ship the release on Friday');
  });

  it('shows the invoke error path to the user, then renames and the other tab sees the new name', async () => {
    await tabA.fill('#rename-input', 'a name that is far too long to be accepted');
    await tabA.click('#rename-button');
    await expect
      .poll(() => tabA.textContent('#rename-result'))
      .toContain('A name must be 1 to 20 characters.');
    expect(await tabA.getAttribute('#rename-result', 'class')).toBe('error');
    await tabA.fill('#rename-input', 'Alice');
    await tabA.click('#rename-button');
    await expect.poll(() => tabA.textContent('#rename-result')).toBe('You are now "Alice".');
    await expect.poll(() => tabB.textContent('#tabs')).toContain('Alice');
  });

  it('nudges the other tab directly with sendTo', async () => {
    await tabB.click('#tabs button.nudge');
    await expect.poll(() => tabA.textContent('#nudges')).toMatch(/nudged you/);
  });

  it('opens a direct tab-to-tab channel over a MessagePort pair, and closes it on both sides', async () => {
    await tabA.click('#tabs button.direct-open');
    await expect.poll(() => tabB.textContent('#direct-peer')).toMatch(/Direct channel with Alice/);
    await expect.poll(() => tabA.isVisible('#direct-form')).toBe(true);
    await tabB.fill('#direct-input', 'hello over the port');
    await tabB.click('#direct-send');
    await expect.poll(() => tabA.textContent('#direct-log')).toContain('hello over the port');
    await tabA.click('#direct-close');
    await expect.poll(() => tabB.textContent('#direct-peer')).toMatch(/closed/);
  });

  it('feeds the <webview> guest with webview.send and hears back through sendToHost', async () => {
    const guest = tabA.frameLocator('#widget iframe');
    await expect
      .poll(() => guest.locator('#guest-note').textContent())
      .toContain('Ship the release on Friday');
    await guest.locator('#react').click();
    await expect
      .poll(() => tabA.textContent('#widget-events'))
      .toMatch(/reacted ★ to note #\d+ \(sendToHost\)/);
  });

  it("lists this tab's live IPC traffic with channel, direction, size and round-trip time", async () => {
    const rows = await tabA.$$eval('#traffic tbody tr', (trs) => trs.map((tr) => tr.textContent ?? ''));
    expect(rows.some((row) => row.includes('→ main') && row.includes('note:add'))).toBe(true);
    expect(rows.some((row) => row.includes('← main') && row.includes('syncReply') && /ms$/.test(row))).toBe(
      true,
    );
    expect(rows.some((row) => row.includes('invokeReply') && row.includes('user:rename'))).toBe(true);
  });

  it('shows the connection in a badge: reconnecting while main is down, then a new session, re-synced', async () => {
    for (const tab of [tabA, tabB]) expect(await tab.textContent('#connection')).toBe('connected');
    const port = Number(new URL(demo.url).port);
    await stopDemo(demo);
    for (const tab of [tabA, tabB]) {
      await expect.poll(() => tab.textContent('#connection')).toBe('reconnecting…');
      expect(await tab.getAttribute('#connection', 'data-state')).toBe('reconnecting');
    }
    const stoppedAt = Date.now();
    demo = await startDemo(port);
    const restartedAt = Date.now();
    for (const tab of [tabA, tabB]) {
      // The page's reconnect backoff grows to 5 s while main is down.
      await expect
        .poll(() => tab.textContent('#connection'), { timeout: 20_000 })
        .toBe('new session — state re-synced');
    }
    console.log(
      `demo restart: down ${restartedAt - stoppedAt} ms, both tabs re-synced ${Date.now() - restartedAt} ms later`,
    );
    // The board is the new main's: its notes (none yet), not the old main's.
    expect(await tabA.textContent('#notes')).toBe('');
    await tabA.fill('#note-input', 'Back after a restart');
    await tabA.click('#note-post');
    await expect.poll(() => tabB.textContent('#notes')).toContain('Back after a restart');
    // So is the widget: a new guest, attached to the new session, gets the new note.
    await expect
      .poll(() => tabA.frameLocator('#widget iframe').locator('#guest-note').textContent())
      .toContain('Back after a restart');
  });
});
