import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from '../transports/websocket/browser.js';
import { chromiumTarget } from './chromium-target.js';
import { defineMessagePortSuite } from './message-ports.js';
import { defineConformanceSuite } from './suite.js';

let browser: Browser | undefined;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

const target = chromiumTarget(() => {
  if (!browser) throw new Error('Chromium did not start (see beforeAll).');
  return browser;
});

defineConformanceSuite(target);
defineMessagePortSuite(target);
