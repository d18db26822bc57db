import type { Logger } from '../core/main/logger.js';
import { loggerOfIpcMain } from '../core/main/main-world.js';
import type { IpcMain, IpcMainInvokeEvent, WebContents } from '../core/main/web-contents-impl.js';
import { replyWasNeverSent } from '../core/shared/electron-texts.js';
import type {
  ArgsValidator,
  ChannelMap,
  ChannelResult,
  InvokeArgs,
  InvokeChannel,
  ListenerMethod,
  ListenerMethods,
  MainListener,
  MainListenerChannel,
  ToRendererArgs,
  ToRendererChannel,
  TypedIpcOptions,
} from './typed-channels.js';
import { hasValidators, overlay, reasonOf, validatorOf } from './typed-views.js';

type HandlerMethod = 'handle' | 'handleOnce' | 'removeHandler';

/** Adds or removes a listener on a channel of `C`; returns the typed `ipcMain` for chaining. */
type TypedListenerMethod<C> = <K extends MainListenerChannel<C>>(
  channel: K,
  listener: MainListener<C[K]>,
) => TypedIpcMain<C>;

/** A handler for an invoke channel of `C`: the channel's arguments in, its `returns` (or a Promise of it) out. */
export type TypedInvokeHandler<S> = (
  event: IpcMainInvokeEvent,
  ...args: InvokeArgs<S>
) => ChannelResult<S> | PromiseLike<ChannelResult<S>>;

/**
 * `IpcMain` typed by the channel map `C` (see {@link ChannelSpec}): listeners, handlers and their
 * arguments and results are checked against `C`, and unknown channels do not compile. Methods not
 * listed here are `IpcMain`'s own.
 */
export interface TypedIpcMain<C>
  extends Omit<IpcMain, ListenerMethod | HandlerMethod>,
    ListenerMethods<TypedListenerMethod<C>> {
  /** `IpcMain.handle`, typed: the handler's arguments and result follow the channel's spec. */
  handle<K extends InvokeChannel<C>>(channel: K, handler: TypedInvokeHandler<C[K]>): void;
  /** `IpcMain.handleOnce`, typed. */
  handleOnce<K extends InvokeChannel<C>>(channel: K, handler: TypedInvokeHandler<C[K]>): void;
  /** `IpcMain.removeHandler`, for invoke channels of `C`. */
  removeHandler(channel: InvokeChannel<C>): void;
}

/** Options of {@link typedIpcMain}. */
export interface TypedIpcMainOptions<C> extends TypedIpcOptions<C> {
  /** Where refused `send`/`sendSync` messages are reported. Default: the logger of `ipcMain`'s main. */
  logger?: Logger;
}

/** `WebContents` whose `send` is typed by the `toRenderer` channels of `C`. */
export interface TypedWebContents<C> extends Omit<WebContents, 'send'> {
  /** `WebContents.send`, typed: only `toRenderer` channels, with their arguments. */
  send<K extends ToRendererChannel<C>>(channel: K, ...args: ToRendererArgs<C[K]>): void;
}

/**
 * Types `ipcMain` (or a `webContents.ipc`) by the channel map `C`. Without validators this returns
 * `ipcMain` itself (no wrapper, no cost). With `options.validate`, it returns a view of `ipcMain` whose
 * listeners and handlers only see arguments their channel's validator accepted:
 *
 * - `invoke`: the handler is not called; the renderer's `invoke` rejects with the validator's error as
 *   it would with a handler's (`Error invoking remote method '<ch>': <error>`), and main logs it as a
 *   handler error.
 * - `send` / `sendSync`: listeners added through the view are not called; main's logger gets a warning
 *   with the channel and the reason, once per message. A refused `sendSync` is answered at once with
 *   Electron's `{ error: 'reply was never sent' }`.
 *
 * Listeners added to `ipcMain` directly (not through the view) are not checked.
 * @example
 * const typedMain = typedIpcMain<Channels>(ipcMain, {
 *   validate: { 'note:add': ([text]) => { if (typeof text !== 'string') throw new TypeError('text must be a string'); } },
 * });
 * typedMain.handle('note:add', (_event, text) => notes.add(text));
 */
export function typedIpcMain<C extends ChannelMap<C>>(
  ipcMain: IpcMain,
  options: TypedIpcMainOptions<C> = {},
): TypedIpcMain<C> {
  const { validate } = options;
  if (!hasValidators(validate)) return ipcMain as unknown as TypedIpcMain<C>;
  const logger = options.logger ?? loggerOfIpcMain(ipcMain);
  return validatingView(ipcMain, validate, logger) as unknown as TypedIpcMain<C>;
}

/**
 * Types `contents.send` by the `toRenderer` channels of `C`. Returns `contents` itself: types only.
 * @example
 * typedWebContents<Channels>(event.sender).send('notes:changed', notes);
 */
export function typedWebContents<C extends ChannelMap<C>>(contents: WebContents): TypedWebContents<C> {
  return contents as unknown as TypedWebContents<C>;
}

type Listener = (event: object, ...args: unknown[]) => void;
type Validators = Partial<Record<string, ArgsValidator>>;

/**
 * Each validator's verdict per event object: the cascade (`webContents.ipc`, then `ipcMain`) passes one
 * event to every listener, so a message is checked and reported once per validator.
 */
const verdictsOf = new WeakMap<ArgsValidator, WeakMap<object, boolean>>();

const ADD_METHODS = ['on', 'addListener', 'prependListener'] as const;
/** Once-listeners are added as lasting ones that remove themselves when a message passes the check. */
const ONCE_METHODS = [
  ['once', 'on'],
  ['prependOnceListener', 'prependListener'],
] as const;
const REMOVE_METHODS = ['off', 'removeListener'] as const;

/** A Proxy over `ipcMain` whose listener and handler methods check arguments first. */
function validatingView(ipcMain: IpcMain, validate: Validators, logger: Logger): IpcMain {
  /** The checking wrapper of each (listener, channel), so `off` finds it and duplicates stay duplicates. */
  const wrappers = new WeakMap<Listener, Map<string, Listener>>();

  const accepts = (event: object, channel: string, validator: ArgsValidator, args: unknown[]): boolean => {
    let verdicts = verdictsOf.get(validator);
    if (verdicts === undefined) verdictsOf.set(validator, (verdicts = new WeakMap()));
    const known = verdicts.get(event);
    if (known !== undefined) return known;
    let ok = true;
    try {
      validator(args);
    } catch (error) {
      ok = false;
      logger.warn(`ipc-anywhere: dropped a message on '${channel}': invalid arguments: ${reasonOf(error)}`);
      // A refused sendSync would otherwise block the renderer until the event is collected.
      if ('returnValue' in event) (event as { returnValue: unknown }).returnValue = replyWasNeverSent();
    }
    verdicts.set(event, ok);
    return ok;
  };

  const wrapperOf = (channel: string, listener: Listener, create: boolean): Listener | undefined => {
    const validator = validatorOf(validate, channel);
    if (validator === undefined || typeof listener !== 'function') return listener;
    let byChannel = wrappers.get(listener);
    let wrapped = byChannel?.get(channel);
    if (wrapped !== undefined || !create) return wrapped ?? listener;
    wrapped = function (this: unknown, event, ...args) {
      if (accepts(event, channel, validator, args)) listener.call(this, event, ...args);
    };
    if (byChannel === undefined) wrappers.set(listener, (byChannel = new Map()));
    byChannel.set(channel, wrapped);
    return wrapped;
  };

  const overrides = new Map<PropertyKey, (...args: any[]) => unknown>();
  for (const name of ADD_METHODS) {
    overrides.set(name, (channel: string, listener: Listener) => {
      ipcMain[name](channel, wrapperOf(channel, listener, true)!);
      return view;
    });
  }
  for (const [name, lasting] of ONCE_METHODS) {
    overrides.set(name, (channel: string, listener: Listener) => {
      const validator = validatorOf(validate, channel);
      if (validator === undefined || typeof listener !== 'function') {
        ipcMain[name](channel, listener);
        return view;
      }
      // A refused message must not use up the listener (a hostile renderer could otherwise burn it).
      const wrapped: Listener = function (this: unknown, event, ...args) {
        if (!accepts(event, channel, validator, args)) return;
        ipcMain.removeListener(channel, wrapped);
        if (wrappers.get(listener)?.get(channel) === wrapped) wrappers.get(listener)!.delete(channel);
        listener.call(this, event, ...args);
      };
      let byChannel = wrappers.get(listener);
      if (byChannel === undefined) wrappers.set(listener, (byChannel = new Map()));
      byChannel.set(channel, wrapped);
      ipcMain[lasting](channel, wrapped);
      return view;
    });
  }
  for (const name of REMOVE_METHODS) {
    overrides.set(name, (channel: string, listener: Listener) => {
      ipcMain[name](channel, wrapperOf(channel, listener, false)!);
      return view;
    });
  }
  for (const name of ['handle', 'handleOnce'] as const) {
    overrides.set(name, (channel: string, handler: (...args: any[]) => unknown) => {
      const validator = validatorOf(validate, channel);
      if (validator === undefined || typeof handler !== 'function') return ipcMain[name](channel, handler);
      // handle, not handleOnce: a refused call must not use up a once handler.
      return ipcMain.handle(channel, (event, ...args) => {
        validator(args); // a throw here rejects the invoke exactly as a handler's throw would
        if (name === 'handleOnce') ipcMain.removeHandler(channel);
        return handler(event, ...args);
      });
    });
  }
  const view = overlay(ipcMain, overrides);
  return view;
}
