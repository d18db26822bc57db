import { EventEmitter } from 'events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contextBridge } from '../../src/api/context-bridge.js';
import type { ElectronModule } from '../../src/api/electron-api.js';
import {
  createPreloadRequire,
  createPreloadRunner,
  type PreloadBody,
} from '../../src/api/preload-runtime.js';
import { createPreloadProcess } from '../../src/api/process-shim.js';
import { createWebFrame } from '../../src/api/web-frame.js';
import { webUtils } from '../../src/api/web-utils.js';
import { IpcRenderer } from '../../src/renderer.js';

const electron: ElectronModule = {
  ipcRenderer: new IpcRenderer(),
  contextBridge,
  webFrame: createWebFrame(),
  webUtils,
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a preload's require", () => {
  const preloadRequire = createPreloadRequire(electron);

  it("gives electron and the sandboxed set of Node's modules, also as node:…", () => {
    expect(preloadRequire('electron')).toBe(electron);
    expect(Object.keys(preloadRequire('electron') as object).sort()).toEqual([
      'contextBridge',
      'ipcRenderer',
      'webFrame',
      'webUtils',
    ]);
    expect(preloadRequire('events')).toBe(EventEmitter);
    expect((preloadRequire('events') as typeof EventEmitter).EventEmitter).toBe(EventEmitter);
    expect(preloadRequire('node:events')).toBe(preloadRequire('events'));
    const timers = preloadRequire('timers') as Record<string, Function>;
    expect(Object.keys(timers).sort()).toEqual([
      'clearImmediate',
      'clearInterval',
      'clearTimeout',
      'setImmediate',
      'setInterval',
      'setTimeout',
    ]);
    expect(preloadRequire('node:timers')).toBe(timers);
    expect(preloadRequire('url')).toEqual({ URL, URLSearchParams });
    expect(preloadRequire('node:url')).toBe(preloadRequire('url'));
  });

  it("refuses anything else with Electron's text", () => {
    for (const name of ['fs', 'node:fs', 'path', './helper', 'node:electron', 'electron/main'])
      expect(() => preloadRequire(name)).toThrow(new Error(`module not found: ${name}`));
  });

  it('setImmediate from timers runs its callback with its arguments, and can be cleared', async () => {
    const timers = preloadRequire('timers') as any;
    const ran = await new Promise((resolve) => timers.setImmediate(resolve, 'argument'));
    expect(ran).toBe('argument');
    const spy = vi.fn();
    timers.clearImmediate(timers.setImmediate(spy));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(spy).not.toHaveBeenCalled();
  });
});

describe('running preloads', () => {
  it("calls the body with Electron's sandboxed-preload parameters", () => {
    const process = createPreloadProcess();
    const run = createPreloadRunner(electron, process);
    let seen: unknown[] = [];
    let self: unknown = 'unset';
    run('preload.js', function (this: unknown, ...args) {
      self = this;
      seen = args;
    } as PreloadBody);
    const [givenRequire, givenProcess, exports, module, global, setImmediate, clearImmediate] = seen as any[];
    expect(givenRequire('electron')).toBe(electron);
    expect(givenProcess).toBe(process);
    expect(module).toEqual({ exports: {} });
    expect(module.exports).toBe(exports);
    expect(global).toBe(globalThis);
    expect(typeof setImmediate).toBe('function');
    expect(typeof clearImmediate).toBe('function');
    expect(self).toBeUndefined();
  });

  it("reports a preload that throws with Electron's text, and runs the next one", () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const run = createPreloadRunner(electron, createPreloadProcess());
    const failure = new Error('broken preload');
    run('first.js', () => {
      throw failure;
    });
    let second = false;
    run('second.js', () => {
      second = true;
    });
    expect(errors.mock.calls).toEqual([['Unable to load preload script: first.js'], [failure]]);
    expect(second).toBe(true);
  });
});
