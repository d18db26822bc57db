// Produces docs/demo.png: starts the demo, drives two tabs in headless Chromium, takes a screenshot.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const demo = spawn(process.execPath, [join(root, 'demo/main.mjs')], {
  env: { ...process.env, PORT: '0' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  let output = '';
  demo.stdout.on('data', (chunk) => {
    output += chunk;
    const match = /running at (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
    if (match) resolve(match[1]);
  });
  demo.once('exit', (code) => reject(new Error(`demo exited with ${code}`)));
});

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const tabA = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const tabB = await browser.newPage();
  await tabA.goto(`${url}/`);
  await tabB.goto(`${url}/`);
  await tabB.fill('#rename-input', 'Bob');
  await tabB.click('#rename-button');
  await tabB.fill('#note-input', 'Standup moved to 10:30');
  await tabB.click('#note-post');
  await tabA.fill('#rename-input', 'Alice');
  await tabA.click('#rename-button');
  await tabA.fill('#note-input', 'Ship the release on Friday');
  await tabA.click('#note-post');
  await tabB.click('#tabs button.nudge');
  await tabA.frameLocator('#widget iframe').locator('#react:not([disabled])').click();
  await tabA.waitForTimeout(300);
  await tabA.screenshot({ path: join(root, 'docs/demo.png') });
  console.log('wrote docs/demo.png');
} finally {
  await browser.close();
  demo.kill('SIGINT');
}
