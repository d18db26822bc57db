import type { CallOptions, IpcRenderer, IpcRendererEvent } from '../core/renderer/ipc-renderer-impl.js';
import { IpcError, IpcErrorCode } from '../protocol/errors.js';
import { checkOptionNames, checkOptionsObject } from '../protocol/options.js';
import { type ChannelValidator, checkArgs, checkedValidators, type Verdict } from './args-validator.js';
import type * as T from './typed-channels.js';
import { invalidArgumentsError, overlay } from './typed-views.js';

type TypedMethod = 'send' | 'sendSync' | 'invoke' | 'withOptions' | T.ListenerMethod;

/** Adds or removes a listener for a `toRenderer` channel of `C`; returns the typed renderer for chaining. */
type TypedListenerMethod<C> = <K extends T.ToRendererChannel<C>>(
  channel: K,
  listener: (event: IpcRendererEvent, ...args: T.ToRendererArgs<C[K]>) => void,
) => TypedIpcRenderer<C>;

/** The calls that can wait, typed by `C` (what {@link TypedIpcRenderer.withOptions} returns). */
export interface TypedCalls<C> {
  /** `ipcRenderer.invoke`, typed: the channel's arguments in, a Promise of its `returns` out. */
  invoke<K extends T.InvokeChannel<C>>(
    channel: K,
    ...args: T.InvokeArgs<C[K]>
  ): Promise<Awaited<T.ChannelResult<C[K]>>>;
  /** `ipcRenderer.sendSync`, typed: the channel's arguments in, its `returns` out. */
  sendSync<K extends T.SendSyncChannel<C>>(channel: K, ...args: T.SendSyncArgs<C[K]>): T.ChannelResult<C[K]>;
}

/** What the typed {@link TypedIpcRenderer.withOptions} returns: {@link TypedCalls} and a typed `send`. */
export interface TypedCallsWithOptions<C> extends TypedCalls<C> {
  /** `ipcRenderer.send`, typed (with `onProgress`: told how the message goes out). */
  send<K extends T.SendChannel<C>>(channel: K, ...args: T.SendArgs<C[K]>): void;
}

/**
 * `IpcRenderer` typed by the channel map `C` (see {@link ChannelSpec}): `send`, `sendSync`, `invoke`
 * and the listener methods accept only `C`'s channels of the right kind, with their arguments and
 * results. `sendTo`, `sendToHost` and the other methods are `IpcRenderer`'s own.
 */
export interface TypedIpcRenderer<C>
  extends Omit<IpcRenderer, TypedMethod>,
    TypedCalls<C>,
    T.ListenerMethods<TypedListenerMethod<C>> {
  /** `ipcRenderer.send`, typed: only `send` channels, with their arguments. */
  send<K extends T.SendChannel<C>>(channel: K, ...args: T.SendArgs<C[K]>): void;
  /** `ipcRenderer.withOptions`, typed. */
  withOptions(options: CallOptions): TypedCallsWithOptions<C>;
}

/**
 * Types `ipcRenderer` by the channel map `C`. Without validators this returns `ipcRenderer` itself (no
 * wrapper, no cost). With `options.validate` (per channel, a function that throws or rejects on bad
 * arguments, or a Standard Schema of the argument list: zod, valibot, arktype), it returns a view of
 * `ipcRenderer` that checks outgoing arguments before anything is sent (a schema's output is what is
 * sent): `send` and `sendSync` throw, and `invoke` rejects, with an `IpcError`
 * `ERR_IPC_INVALID_ARGUMENT` whose `cause` is what the validator threw (for a schema, a `TypeError`
 * listing the issues, with `issues` attached). `invoke` waits for an asynchronous validator; `send` and
 * `sendSync` cannot, and throw. Incoming messages (`on`) are not checked: they come from main.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` when a validator is neither a function nor a Standard
 *   Schema; from `send`/`sendSync` (and as `invoke`'s rejection) when a validator refuses the arguments.
 * @example
 * const ipc = typedIpcRenderer<Channels>(ipcRenderer);
 * const note = await ipc.invoke('note:add', 'buy milk'); // Note
 * ipc.on('notes:changed', (_event, notes) => render(notes));
 */
export function typedIpcRenderer<C extends T.ChannelMap<C>>(
  ipcRenderer: IpcRenderer,
  options: T.TypedIpcOptions<C> = {},
): TypedIpcRenderer<C> {
  checkOptionsObject('typedIpcRenderer', options);
  checkOptionNames('typedIpcRenderer', options, ['validate']);
  const validators = checkedValidators('typedIpcRenderer', options.validate);
  if (validators === undefined) return ipcRenderer as unknown as TypedIpcRenderer<C>;
  return validatingView(ipcRenderer, validators) as unknown as TypedIpcRenderer<C>;
}

type Validators = ReadonlyMap<string, ChannelValidator>;
type Call = (channel: string, ...args: unknown[]) => unknown;

/**
 * `call`, after the channel's validator passed its arguments (a schema's output goes on). `send` and
 * `sendSync` return at once, so they need an answer at once: a refusal throws, and so does a validator
 * that answers asynchronously. `invoke` turns both into rejections and waits for async validators.
 */
function checked(validators: Validators, call: Call, rejects: boolean): Call {
  return (channel, ...args) => {
    const validator = validators.get(channel);
    if (validator === undefined) return call(channel, ...args);
    const verdict = checkArgs(validator, args);
    const proceed = (settled: Verdict): unknown => {
      if (!settled.ok) throw invalidArgumentsError(channel, settled.reason);
      return call(channel, ...settled.args);
    };
    if (verdict instanceof Promise) {
      if (rejects) return verdict.then(proceed);
      throw asyncValidatorError(channel);
    }
    if (!rejects) return proceed(verdict);
    try {
      return proceed(verdict);
    } catch (error) {
      return Promise.reject(error);
    }
  };
}

function asyncValidatorError(channel: string): IpcError {
  return new IpcError(
    IpcErrorCode.InvalidArgument,
    `Invalid arguments for channel '${channel}': its validator answered asynchronously, and send/sendSync cannot wait; use a synchronous schema or validator for this channel, or invoke.`,
  );
}

/** A Proxy over `ipcRenderer` whose sending methods check arguments first. */
function validatingView(ipcRenderer: IpcRenderer, validate: Validators): IpcRenderer {
  const overrides = new Map<PropertyKey, unknown>([
    ['send', checked(validate, ipcRenderer.send.bind(ipcRenderer), false)],
    ['sendSync', checked(validate, ipcRenderer.sendSync.bind(ipcRenderer), false)],
    ['invoke', checked(validate, ipcRenderer.invoke.bind(ipcRenderer), true)],
    [
      'withOptions',
      (options: CallOptions) => {
        const calls = ipcRenderer.withOptions(options);
        return {
          invoke: checked(validate, calls.invoke, true),
          sendSync: checked(validate, calls.sendSync, false),
          send: checked(validate, calls.send, false),
        };
      },
    ],
  ]);
  return overlay(ipcRenderer, overrides);
}
