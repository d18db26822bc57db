import type { ChannelValidator } from './args-validator.js';

export type { ArgsSchema, ArgsValidator, ChannelValidator, SchemaIssuesError } from './args-validator.js';
export type {
  StandardIssue,
  StandardResult,
  StandardSchemaProps,
  StandardSchemaV1,
} from './standard-schema.js';

/**
 * What one channel carries; every key is optional and says which calls the channel allows:
 *
 * | key | direction | calls it types |
 * |---|---|---|
 * | `send: [args]` | renderer → main | `ipcRenderer.send`, `ipcMain.on` |
 * | `sendSync: [args]` | renderer → main, blocking | `ipcRenderer.sendSync`, `ipcMain.on` (`event.returnValue: returns`) |
 * | `invoke: [args]` | renderer → main → renderer | `ipcRenderer.invoke`, `ipcMain.handle` |
 * | `returns: T` | the result of `invoke` (awaited) and of `sendSync` | default `void` |
 * | `toRenderer: [args]` | main → renderer | `webContents.send`, `ipcRenderer.on` |
 *
 * @example
 * interface Channels {
 *   'note:add': { invoke: [text: string]; returns: Note };
 *   'log': { send: [level: 'info' | 'error', message: string] };
 *   'config:get': { sendSync: [key: string]; returns: string | undefined };
 *   'notes:changed': { toRenderer: [notes: Note[]] };
 * }
 */
export interface ChannelSpec {
  send?: readonly unknown[];
  sendSync?: readonly unknown[];
  invoke?: readonly unknown[];
  returns?: unknown;
  toRenderer?: readonly unknown[];
}

/** The constraint on a channel map: an interface whose every property is a {@link ChannelSpec}. */
export type ChannelMap<C> = { [K in keyof C]: ChannelSpec };

/** The channels of `C` whose spec has the key `P`. */
type ChannelsWith<C, P extends keyof ChannelSpec> = {
  [K in keyof C]-?: C[K] extends { [Q in P]: unknown } ? K : never;
}[keyof C] &
  string;

/** The argument tuple under key `P` of a channel spec. */
type ArgsAt<S, P extends keyof ChannelSpec> = S extends { [Q in P]: infer A extends readonly unknown[] }
  ? A
  : never;

/** Channels that `ipcRenderer.send` may use (renderer → main). */
export type SendChannel<C> = ChannelsWith<C, 'send'>;
/** Channels that `ipcRenderer.sendSync` may use (renderer → main, blocking). */
export type SendSyncChannel<C> = ChannelsWith<C, 'sendSync'>;
/** Channels that `ipcRenderer.invoke` and `ipcMain.handle` may use. */
export type InvokeChannel<C> = ChannelsWith<C, 'invoke'>;
/** Channels that `webContents.send` and `ipcRenderer.on` may use (main → renderer). */
export type ToRendererChannel<C> = ChannelsWith<C, 'toRenderer'>;
/** Channels that `ipcMain.on` may listen to: the `send` and `sendSync` ones. */
export type MainListenerChannel<C> = SendChannel<C> | SendSyncChannel<C>;

/** The arguments of `send` on a channel spec. */
export type SendArgs<S> = ArgsAt<S, 'send'>;
/** The arguments of `sendSync` on a channel spec. */
export type SendSyncArgs<S> = ArgsAt<S, 'sendSync'>;
/** The arguments of `invoke` on a channel spec. */
export type InvokeArgs<S> = ArgsAt<S, 'invoke'>;
/** The arguments main sends to the renderer on a channel spec. */
export type ToRendererArgs<S> = ArgsAt<S, 'toRenderer'>;
/** The result of `invoke` (awaited) and of `sendSync` on a channel spec: `returns`, or `void`. */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler without a result returns void, as any function may
export type ChannelResult<S> = S extends { returns: infer R } ? R : void;

/** One validator per channel (a function or a Standard Schema); channels without one are not checked. */
export type ChannelValidators<C> = { readonly [K in keyof C]?: ChannelValidator };

/** Options shared by `typedIpcMain` and `typedIpcRenderer`. */
export interface TypedIpcOptions<C> {
  /**
   * Validators run on the arguments of incoming messages (main) or outgoing ones (renderer): per
   * channel, a function that throws (or rejects) on bad arguments, or a Standard Schema of the argument
   * list (zod, valibot, arktype). Anything else is refused when the view is made. Without any, the typed
   * functions return the very object they are given.
   */
  validate?: ChannelValidators<C>;
}

/** The `EventEmitter` methods that add or remove a listener, typed alike by the typed views. */
export type ListenerMethod =
  | 'on'
  | 'once'
  | 'off'
  | 'addListener'
  | 'removeListener'
  | 'prependListener'
  | 'prependOnceListener';

/** Every listener method, each typed as `M`. */
export type ListenerMethods<M> = { [K in ListenerMethod]: M };
