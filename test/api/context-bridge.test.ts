import { afterEach, describe, expect, it } from 'vitest';
import { contextBridge, defineReplaceableGlobal } from '../../src/api/context-bridge.js';
import { EXISTING_PROPERTY_MESSAGE } from '../../src/core/shared/electron-texts.js';

const scope = globalThis as Record<string, any>;
let keyCount = 0;
/** exposeInMainWorld defines globals for good (not configurable): each test takes fresh names. */
function freshKey(): string {
  keyCount += 1;
  return `bridgeTest${keyCount}_${process.pid}`;
}

const replaced: string[] = [];
afterEach(() => {
  for (const key of replaced.splice(0))
    if (Object.getOwnPropertyDescriptor(scope, key)?.configurable) delete scope[key];
});

describe('contextBridge.exposeInMainWorld', () => {
  it('puts a deep-frozen copy on a read-only, enumerable, non-configurable global', () => {
    const key = freshKey();
    const api = { version: 1, nested: { list: [1, { x: 2 }] }, hello: (name: string) => `hi ${name}` };
    contextBridge.exposeInMainWorld(key, api);
    const exposed = scope[key];
    expect(exposed).not.toBe(api);
    expect(exposed.hello('page')).toBe('hi page');
    expect(Object.isFrozen(exposed)).toBe(true);
    expect(Object.isFrozen(exposed.nested.list[1])).toBe(true);
    expect(Object.isFrozen(exposed.hello)).toBe(true);
    expect(Object.isFrozen(api)).toBe(false);
    expect(Object.getOwnPropertyDescriptor(scope, key)).toMatchObject({
      writable: false,
      enumerable: true,
      configurable: false,
    });
    // Later changes on either side do not cross.
    api.version = 2;
    expect(exposed.version).toBe(1);
  });

  it('exposes non-object values too (a function, a string)', () => {
    const fnKey = freshKey();
    contextBridge.exposeInMainWorld(fnKey, (a: number[]) => a.length);
    expect(scope[fnKey]([1, 2, 3])).toBe(3);
    const textKey = freshKey();
    contextBridge.exposeInMainWorld(textKey, 'plain');
    expect(scope[textKey]).toBe('plain');
  });

  it('refuses an existing key with Electron\u2019s text, also a key the environment defines', () => {
    const key = freshKey();
    contextBridge.exposeInMainWorld(key, {});
    expect(() => contextBridge.exposeInMainWorld(key, {})).toThrow(new Error(EXISTING_PROPERTY_MESSAGE));
    expect(EXISTING_PROPERTY_MESSAGE).toBe(
      'Cannot bind an API on top of an existing property on the window object',
    );
    // Inherited and built-in globals count (Electron checks with `in`: `chrome`, `onblur`, ...).
    expect(() => contextBridge.exposeInMainWorld('setTimeout', {})).toThrow(EXISTING_PROPERTY_MESSAGE);
    expect(() => contextBridge.exposeInMainWorld('toString', {})).toThrow(EXISTING_PROPERTY_MESSAGE);
    const pageKey = freshKey();
    scope[pageKey] = 'set by the page';
    replaced.push(pageKey);
    expect(() => contextBridge.exposeInMainWorld(pageKey, {})).toThrow(EXISTING_PROPERTY_MESSAGE);
  });

  it('replaces a global ipc-anywhere provides by default, unless the page changed it since', () => {
    const key = freshKey();
    defineReplaceableGlobal(key, { builtin: true });
    contextBridge.exposeInMainWorld(key, { fromPreload: true });
    expect(scope[key]).toEqual({ fromPreload: true });
    expect(() => contextBridge.exposeInMainWorld(key, {})).toThrow(EXISTING_PROPERTY_MESSAGE);

    const changed = freshKey();
    defineReplaceableGlobal(changed, { builtin: true });
    replaced.push(changed);
    scope[changed] = { page: true };
    expect(() => contextBridge.exposeInMainWorld(changed, {})).toThrow(EXISTING_PROPERTY_MESSAGE);
  });

  it('refuses a key that is not a string with Electron\u2019s conversion text (argument 1)', () => {
    expect(() => contextBridge.exposeInMainWorld(undefined as never, {})).toThrow(
      new TypeError('Error processing argument at index 1, conversion failure from undefined'),
    );
    expect(() => contextBridge.exposeInMainWorld(7 as never, {})).toThrow(
      'Error processing argument at index 1, conversion failure from ',
    );
  });

  it('leaves no key behind when the copy fails', () => {
    const key = freshKey();
    expect(() => contextBridge.exposeInMainWorld(key, { weak: new WeakSet() })).toThrow(
      expect.objectContaining({ name: 'DataCloneError' }),
    );
    expect(key in scope).toBe(false);
  });

  it('carries promises, async functions and errors as Electron documents', async () => {
    const key = freshKey();
    contextBridge.exposeInMainWorld(key, {
      later: async () => ({ answer: 42 }),
      failing: async () => {
        throw new TypeError('nope');
      },
      ready: Promise.resolve('ready'),
      throwing: () => {
        throw new Error('sync failure');
      },
    });
    const api = scope[key];
    expect(await api.later()).toEqual({ answer: 42 });
    await expect(api.failing()).rejects.toThrow(new Error('nope'));
    expect(await api.ready).toBe('ready');
    expect(() => api.throwing()).toThrow(new Error('sync failure'));
  });

  it('gives callbacks from the page to the preload as fresh functions each call (removeListener quirk)', () => {
    const key = freshKey();
    const seen: Function[] = [];
    contextBridge.exposeInMainWorld(key, { register: (callback: Function) => seen.push(callback) });
    const callback = () => 'called';
    scope[key].register(callback);
    scope[key].register(callback);
    expect(seen[0]).not.toBe(callback);
    expect(seen[0]).not.toBe(seen[1]);
    expect(seen[0]!()).toBe('called');
  });
});

describe('contextBridge.exposeInIsolatedWorld', () => {
  it('world 0 is the main world', () => {
    const key = freshKey();
    contextBridge.exposeInIsolatedWorld(0, key, { a: 1 });
    expect(scope[key]).toEqual({ a: 1 });
  });

  it('accepts another world: nothing on window, a second use of the key is refused', () => {
    const key = freshKey();
    contextBridge.exposeInIsolatedWorld(1004, key, { a: 1 });
    expect(key in scope).toBe(false);
    expect(() => contextBridge.exposeInIsolatedWorld(1004, key, {})).toThrow(EXISTING_PROPERTY_MESSAGE);
    contextBridge.exposeInIsolatedWorld(1005, key, {});
  });

  it('refuses a world id that is not an integer', () => {
    expect(() => contextBridge.exposeInIsolatedWorld('1' as never, freshKey(), {})).toThrow(
      'Error processing argument at index 0, conversion failure from ',
    );
  });
});

describe('contextBridge.executeInMainWorld', () => {
  it('calls func with copies of args and returns a copy of its result', () => {
    const argument = { n: 2 };
    let received: unknown;
    const result = contextBridge.executeInMainWorld({
      func: (value: { n: number }) => {
        received = value;
        return { doubled: value.n * 2 };
      },
      args: [argument],
    });
    expect(result).toEqual({ doubled: 4 });
    expect(received).toEqual(argument);
    expect(received).not.toBe(argument);
    expect(contextBridge.executeInMainWorld({ func: () => 'no args' })).toBe('no args');
  });

  it('refuses a missing func and args that are not an array', () => {
    expect(() => contextBridge.executeInMainWorld({} as never)).toThrow(TypeError);
    expect(() => contextBridge.executeInMainWorld({ func: () => 1, args: 'x' as never })).toThrow(TypeError);
  });
});
