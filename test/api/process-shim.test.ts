import { EventEmitter } from 'events';
import { describe, expect, it } from 'vitest';
import { createPreloadProcess, platformOf } from '../../src/api/process-shim.js';

describe('the preload process object', () => {
  it('is an EventEmitter with the fields a sandboxed preload reads', () => {
    const process = createPreloadProcess({
      userAgent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0.6778.85 Safari/537.36',
      platform: 'Linux x86_64',
    });
    expect(process).toBeInstanceOf(EventEmitter);
    expect(process).toMatchObject({
      type: 'renderer',
      platform: 'linux',
      versions: { chrome: '131.0.6778.85' },
      env: {},
      contextIsolated: true,
      sandboxed: true,
    });
    expect(process.versions.node).toBeUndefined();
    expect(process.versions.electron).toBeUndefined();
    expect(Object.isFrozen(process.versions)).toBe(true);
    // `{ ...process.versions }` and `{ ...process.env }` work, as electron-vite's templates do.
    expect({ ...process.versions }).toEqual({ chrome: '131.0.6778.85' });
  });

  it('has no chrome version outside Chromium, and works without a navigator', () => {
    expect(createPreloadProcess({ userAgent: 'Mozilla/5.0 Firefox/130.0' }).versions).toEqual({});
    expect(createPreloadProcess(undefined)).toMatchObject({ platform: '', versions: {} });
  });

  it.each([
    [{ userAgentData: { platform: 'Windows' } }, 'win32'],
    [{ platform: 'Win32' }, 'win32'],
    [{ userAgentData: { platform: 'macOS' } }, 'darwin'],
    [{ platform: 'MacIntel' }, 'darwin'],
    [{ platform: 'iPhone' }, 'darwin'],
    [{ userAgentData: { platform: 'Android' }, platform: 'Linux armv8l' }, 'android'],
    [{ userAgentData: { platform: 'Chrome OS' } }, 'linux'],
    [{ platform: 'Linux aarch64' }, 'linux'],
    [{ platform: 'FreeBSD amd64' }, 'freebsd'],
    [{ platform: 'Nintendo' }, ''],
  ])('maps %o to %s', (navigator, platform) => {
    expect(platformOf(navigator)).toBe(platform);
  });
});
