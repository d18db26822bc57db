import { type Logger, resolveLogger } from '../core/main/logger.js';
import type {
  IpcMain,
  IpcMainEvent,
  IpcMainInvokeEvent,
  WebContents,
} from '../core/main/web-contents-impl.js';
import { loggerOfIpcMain } from '../core/main/web-contents-impl.js';
import { noHandlerMessage, replyWasNeverSent } from '../core/shared/electron-texts.js';
import { IpcErrorCode } from '../protocol/errors.js';
import { checkLogger, checkOptionNames, checkOptionsObject } from '../protocol/options.js';
import { type ChannelValidator, checkArgs, checkedValidators, type Verdict } from './args-validator.js';
import type {
  ChannelMap,
  ChannelResult,
  InvokeArgs,
  InvokeChannel,
  ListenerMethod,
  ListenerMethods,
  MainListenerChannel,
  SendArgs,
  SendSyncArgs,
  ToRendererArgs,
  ToRendererChannel,
  TypedIpcOptions,
} from './typed-channels.js';
import { overlay, reasonOf } from './typed-views.js';

/** `IpcMainEvent` whose write-only `returnValue` takes the channel's `returns` type. */
export type TypedIpcMainEvent<R> = Omit<IpcMainEvent, 'returnValue'> & { returnValue: R };

/** What an `ipcMain.on` listener gets on a channel: the sync event when the channel has `sendSync`. */
export type MainListener<S> = (
  event: S extends { sendSync: readonly unknown[] } ? TypedIpcMainEvent<ChannelResult<S>> : IpcMainEvent,
  ...args: SendArgs<S> | SendSyncArgs<S>
) => void;

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
 * `ipcMain` itself (no wrapper, no cost). With `options.validate` (per channel, a function that throws
 * or rejects on bad arguments, or a Standard Schema of the argument list: zod, valibot, arktype), it
 * returns a view of `ipcMain` whose listeners and handlers only see arguments their channel's validator
 * accepted (a schema's output, when it transforms them):
 *
 * - `invoke`: the handler is not called; the renderer's `invoke` rejects with the validator's error as
 *   it would with a handler's (`Error invoking remote method '<ch>': <error>`), and main logs it as a
 *   handler error.
 * - `send` / `sendSync`: listeners added through the view are not called; main's logger gets a warning
 *   with the channel and the reason, once per message. A refused `sendSync` is answered at once with
 *   Electron's `{ error: 'reply was never sent' }`.
 *
 * An asynchronous validator delays the listener (messages still reach it in order). Listeners added to
 * `ipcMain` directly (not through the view) are not checked.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` for a validator that is neither a function nor a Standard
 *   Schema (a number, a schema library's object without `~standard`), or an unknown option.
 * @example
 * import { z } from 'zod';
 * const typedMain = typedIpcMain<Channels>(ipcMain, {
 *   validate: { 'note:add': z.tuple([z.string().max(1000)]) },
 * });
 * typedMain.handle('note:add', (_event, text) => notes.add(text));
 */
export function typedIpcMain<C extends ChannelMap<C>>(
  ipcMain: IpcMain,
  options: TypedIpcMainOptions<C> = {},
): TypedIpcMain<C> {
  checkOptionsObject('typedIpcMain', options);
  checkOptionNames('typedIpcMain', options, ['validate', 'logger']);
  checkLogger('logger', options.logger);
  const validators = checkedValidators('typedIpcMain', options.validate);
  if (validators === undefined) return ipcMain as unknown as TypedIpcMain<C>;
  const logger = options.logger === undefined ? loggerOfIpcMain(ipcMain) : resolveLogger(options.logger);
  return validatingView(ipcMain, validators, logger) as unknown as TypedIpcMain<C>;
}

/**
 * Types `contents.send` by the `toRenderer` channels of `C`. Returns `contents` itself: types only.
 * @example
 * typedWebContents<Channels>(event.sender).send('notes:changed', notes);
 */
export function typedWebContents<C extends ChannelMap<C>>(contents: WebContents): TypedWebContents<C> {
  return contents as unknown as TypedWebContents<C>;
}

/** `broadcast` (or `main.broadcast`) typed by the `toRenderer` channels of `C`. */
export type TypedBroadcast<C> = <K extends ToRendererChannel<C>>(
  channel: K,
  ...args: ToRendererArgs<C[K]>
) => number;

/**
 * Types a `broadcast` function (`broadcast` from `ipc-anywhere/main`, or a main's `main.broadcast`) by
 * the `toRenderer` channels of `C`. Returns `broadcast` itself: types only.
 * @example
 * const broadcastTyped = typedBroadcast<Channels>(broadcast);
 * broadcastTyped('notes:changed', notes.all());
 */
export function typedBroadcast<C extends ChannelMap<C>>(
  broadcast: (channel: string, ...args: unknown[]) => number,
): TypedBroadcast<C> {
  return broadcast as unknown as TypedBroadcast<C>;
}

type Listener = (event: object, ...args: unknown[]) => void;
type Validators = ReadonlyMap<string, ChannelValidator>;
type Settled = Verdict | Promise<Verdict>;

/**
 * Each validator's verdict per event object: the cascade (`webContents.ipc`, then `ipcMain`) passes one
 * event to every listener, so a message is checked and reported once per validator.
 */
const verdictsOf = new WeakMap<ChannelValidator, WeakMap<object, Settled>>();

const ADD_METHODS = ['on', 'addListener', 'prependListener'] as const;
/** Once-listeners are added as lasting ones that remove themselves when a message passes the check. */
const ONCE_METHODS = [
  ['once', 'on'],
  ['prependOnceListener', 'prependListener'],
] as const;
const REMOVE_METHODS = ['off', 'removeListener'] as const;

/**
 * Calls `deliver` with each message a verdict lets through, in the order the messages came: a
 * synchronous verdict at once, unless an asynchronous one before it is still pending (an async schema
 * must not reorder a channel's messages). A listener that throws after an await is reported, as
 * dispatch reports one that throws at once.
 */
function inOrder(
  deliver: (self: unknown, event: object, args: unknown[]) => void,
  report: (error: unknown) => void,
): (self: unknown, event: object, verdict: Settled) => void {
  let tail: Promise<void> | undefined;
  return (self, event, verdict) => {
    if (tail === undefined && !(verdict instanceof Promise)) {
      if (verdict.ok) deliver(self, event, verdict.args);
      return;
    }
    const next = (tail ?? Promise.resolve())
      .then(() => verdict)
      .then((settled) => {
        if (settled.ok) deliver(self, event, settled.args);
      })
      .catch(report);
    tail = next;
    void next.then(() => {
      if (tail === next) tail = undefined;
    });
  };
}

/** A Proxy over `ipcMain` whose listener and handler methods check arguments first. */
function validatingView(ipcMain: IpcMain, validators: Validators, logger: Logger): IpcMain {
  /** The checking wrapper of each (listener, channel), so `off` finds it and duplicates stay duplicates. */
  const wrappers = new WeakMap<Listener, Map<string, Listener>>();

  /** The verdict on one message (checked and reported once per validator, whoever asks). */
  const verdictOn = (
    event: object,
    channel: string,
    validator: ChannelValidator,
    args: unknown[],
  ): Settled => {
    let verdicts = verdictsOf.get(validator);
    if (verdicts === undefined) verdictsOf.set(validator, (verdicts = new WeakMap()));
    const known = verdicts.get(event);
    if (known !== undefined) return known;
    const report = (verdict: Verdict): Verdict => {
      if (verdict.ok) return verdict;
      logger.warn(
        { code: IpcErrorCode.InvalidArgument, channel, webContentsId: senderIdOf(event) },
        `ipc-anywhere: dropped a message on '${channel}': invalid arguments: ${reasonOf(verdict.reason)}`,
      );
      // A refused sendSync would otherwise block the renderer until the event is collected.
      if ('returnValue' in event) (event as { returnValue: unknown }).returnValue = replyWasNeverSent();
      return verdict;
    };
    const verdict = checkArgs(validator, args);
    const settled = verdict instanceof Promise ? verdict.then(report) : report(verdict);
    verdicts.set(event, settled);
    return settled;
  };

  const reportThrow = (channel: string) => (error: unknown) =>
    logger.error({ err: error, channel }, `ipc-anywhere: a listener for '${channel}' threw`);

  const remember = (listener: Listener, channel: string, wrapped: Listener): void => {
    let byChannel = wrappers.get(listener);
    if (byChannel === undefined) wrappers.set(listener, (byChannel = new Map()));
    byChannel.set(channel, wrapped);
  };

  const wrapperOf = (channel: string, listener: Listener, create: boolean): Listener | undefined => {
    const validator = validators.get(channel);
    if (validator === undefined || typeof listener !== 'function') return listener;
    const wrapped = wrappers.get(listener)?.get(channel);
    if (wrapped !== undefined || !create) return wrapped ?? listener;
    const deliver = inOrder((self, event, args) => listener.call(self, event, ...args), reportThrow(channel));
    const checking: Listener = function (this: unknown, event, ...args) {
      deliver(this, event, verdictOn(event, channel, validator, args));
    };
    remember(listener, channel, checking);
    return checking;
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
      const validator = validators.get(channel);
      if (validator === undefined || typeof listener !== 'function') {
        ipcMain[name](channel, listener);
        return view;
      }
      // A refused message must not use up the listener (a hostile renderer could otherwise burn it);
      // of several messages checked at once, only the first that passes reaches it.
      let used = false;
      const deliver = inOrder((self, event, args) => {
        if (used) return;
        used = true;
        ipcMain.removeListener(channel, checking);
        if (wrappers.get(listener)?.get(channel) === checking) wrappers.get(listener)!.delete(channel);
        listener.call(self, event, ...args);
      }, reportThrow(channel));
      const checking: Listener = function (this: unknown, event, ...args) {
        if (!used) deliver(this, event, verdictOn(event, channel, validator, args));
      };
      remember(listener, channel, checking);
      ipcMain[lasting](channel, checking);
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
      const validator = validators.get(channel);
      if (validator === undefined || typeof handler !== 'function') return ipcMain[name](channel, handler);
      let used = false;
      const run = (event: IpcMainInvokeEvent, verdict: Verdict): unknown => {
        if (!verdict.ok) throw verdict.reason; // rejects the invoke exactly as a handler's throw would
        if (name === 'handleOnce') {
          // Another call may have passed its (async) check first and used the handler up.
          if (used) throw new Error(noHandlerMessage(channel));
          used = true;
          ipcMain.removeHandler(channel);
        }
        return handler(event, ...verdict.args);
      };
      // handle, not handleOnce: a refused call must not use up a once handler.
      return ipcMain.handle(channel, (event, ...args) => {
        const verdict = checkArgs(validator, args);
        return verdict instanceof Promise
          ? verdict.then((settled) => run(event, settled))
          : run(event, verdict);
      });
    });
  }
  const view = overlay(ipcMain, overrides);
  return view;
}

/** The id of the renderer that sent `event`, for a log line (the view also sees events made by tests). */
function senderIdOf(event: object): number | undefined {
  const id = (event as { sender?: { id?: unknown } }).sender?.id;
  return typeof id === 'number' ? id : undefined;
}
