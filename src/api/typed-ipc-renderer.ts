import type { CallOptions, IpcRenderer, IpcRendererEvent } from '../core/renderer/ipc-renderer-impl.js';
import type * as T from './typed-channels.js';
import { hasValidators, invalidArgumentsError, overlay, validatorOf } from './typed-views.js';

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
  withOptions(options: CallOptions): TypedCalls<C>;
}

/**
 * Types `ipcRenderer` by the channel map `C`. Without validators this returns `ipcRenderer` itself (no
 * wrapper, no cost). With `options.validate`, it returns a view of `ipcRenderer` that checks outgoing
 * arguments before anything is sent: `send` and `sendSync` throw, and `invoke` rejects, with an
 * `IpcError` `ERR_IPC_INVALID_ARGUMENT` whose `cause` is what the validator threw. Incoming messages
 * (`on`) are not checked: they come from main.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` from `send`/`sendSync` (and as `invoke`'s rejection) when a
 *   validator refuses the arguments.
 * @example
 * const ipc = typedIpcRenderer<Channels>(ipcRenderer);
 * const note = await ipc.invoke('note:add', 'buy milk'); // Note
 * ipc.on('notes:changed', (_event, notes) => render(notes));
 */
export function typedIpcRenderer<C extends T.ChannelMap<C>>(
  ipcRenderer: IpcRenderer,
  options: T.TypedIpcOptions<C> = {},
): TypedIpcRenderer<C> {
  const { validate } = options;
  if (!hasValidators(validate)) return ipcRenderer as unknown as TypedIpcRenderer<C>;
  return validatingView(ipcRenderer, validate) as unknown as TypedIpcRenderer<C>;
}

type Validators = Partial<Record<string, T.ArgsValidator>>;
type Call = (channel: string, ...args: unknown[]) => unknown;

/** Runs the channel's validator, turning a refusal into `ERR_IPC_INVALID_ARGUMENT`. */
function check(validate: Validators, channel: string, args: unknown[]): void {
  const validator = validatorOf(validate, channel);
  if (validator === undefined) return;
  try {
    validator(args);
  } catch (error) {
    throw invalidArgumentsError(channel, error);
  }
}

/** `call`, checked first; for `invoke` a refusal is a rejection rather than a throw. */
function checked(validate: Validators, call: Call, rejects: boolean): Call {
  return (channel, ...args) => {
    if (!rejects) {
      check(validate, channel, args);
      return call(channel, ...args);
    }
    try {
      check(validate, channel, args);
    } catch (error) {
      return Promise.reject(error);
    }
    return call(channel, ...args);
  };
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
        };
      },
    ],
  ]);
  return overlay(ipcRenderer, overrides);
}
