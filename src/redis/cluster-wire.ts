import type { ClusterRenderer } from '../core/main/cluster-link.js';
import type { WebContentsType } from '../core/main/web-contents-impl.js';
import { ByteReader, ByteWriter, decodeError, readValue, writeValue } from '../protocol/codec/index.js';
import { IpcError, IpcErrorCode } from '../protocol/errors.js';
import { DEFAULT_LIMITS, type DecodeLimits } from '../protocol/limits.js';

/*
 * What main processes publish to each other through Redis. One Redis message is a batch: everything a
 * process had for one channel in one task, so a broadcast loop costs one PUBLISH per process reached,
 * not one per message.
 *
 *   batch    = u8 WIRE_VERSION, string fromNode, record*
 *   record   = u8 kind, fields (below)
 *   renderer = varuint id, string type, string url, string origin, varuint processId
 *
 * On a process's own channel (`<prefix>:node:<id>`), from the process that addresses it:
 *   Send      varuint target, varuint sender (0: main), string channel, value args (structured clone)
 *   Close     varuint target
 *   Sync      (nothing)                                      "publish your Snapshot"
 *   Call      varuint call, varuint target, string code, u8 userGesture      executeJavaScript
 *   Result    varuint call, u8 ok, value (result, or the Error), string code ('' or its ERR_IPC_ code)
 * On the shared channel (`<prefix>:all`), membership:
 *   Hello     varuint seq, varuint count, renderer*count     fromNode (re)joined; everyone publishes a Snapshot
 *   Snapshot  varuint seq, varuint count, renderer*count     every renderer of fromNode, as of seq
 *   Heartbeat varuint seq                                    fromNode is alive; its membership is at seq
 *   Join      varuint seq, renderer
 *   Leave     varuint seq, varuint id
 *   Bye       (nothing)                                      fromNode is shutting down
 *
 * `seq` numbers fromNode's membership changes (Join, Leave); a receiver that sees a gap asks for a
 * Snapshot, since Redis pub/sub delivers at most once. Every membership record of a process travels on
 * the one shared channel, so they arrive in the order they were made: a Snapshot is never overtaken by
 * an older Join.
 */

export const WIRE_VERSION = 1;

export const RecordKind = {
  Send: 1,
  Close: 2,
  Snapshot: 3,
  Sync: 4,
  Hello: 5,
  Heartbeat: 6,
  Join: 7,
  Leave: 8,
  Bye: 9,
  Call: 10,
  Result: 11,
} as const;

/** What a receiver does with each record of a batch (see {@link readBatch}). */
export interface BatchVisitor {
  send(target: number, sender: number, channel: string, args: unknown[]): void;
  close(target: number): void;
  snapshot(seq: number, renderers: ClusterRenderer[]): void;
  sync(): void;
  hello(seq: number, renderers: ClusterRenderer[]): void;
  heartbeat(seq: number): void;
  join(seq: number, renderer: ClusterRenderer): void;
  leave(seq: number, id: number): void;
  bye(): void;
  call(call: number, target: number, code: string, userGesture: boolean): void;
  result(call: number, ok: boolean, value: unknown, errorCode: string): void;
}

const TYPES: readonly WebContentsType[] = ['window', 'webview', 'worker', 'remote'];

/**
 * Builds one batch for one channel. Records are written as they come (values are copied at once, as
 * `webContents.send` promises); {@link take} hands the bytes over and starts the next batch.
 */
export class BatchWriter {
  #writer: ByteWriter | undefined;
  /** Records in the batch being built. */
  count = 0;

  constructor(private readonly fromNode: string) {}

  /** Bytes written so far (0 when the batch is empty). */
  get length(): number {
    return this.#writer?.length ?? 0;
  }

  /** @throws IpcError `ERR_IPC_NOT_CLONEABLE` for `args`; the batch is left as it was. */
  send(target: number, sender: number, channel: string, args: unknown[]): void {
    const w = this.#open();
    const start = w.pos;
    try {
      w.u8(RecordKind.Send);
      w.varuint(target);
      w.varuint(sender);
      w.string(channel);
      writeValue(w, args);
    } catch (error) {
      w.pos = start;
      throw error;
    }
    this.count++;
  }

  close(target: number): void {
    const w = this.#open();
    w.u8(RecordKind.Close);
    w.varuint(target);
    this.count++;
  }

  snapshot(seq: number, renderers: readonly ClusterRenderer[]): void {
    this.#list(RecordKind.Snapshot, seq, renderers);
  }

  sync(): void {
    this.#open().u8(RecordKind.Sync);
    this.count++;
  }

  hello(seq: number, renderers: readonly ClusterRenderer[]): void {
    this.#list(RecordKind.Hello, seq, renderers);
  }

  heartbeat(seq: number): void {
    const w = this.#open();
    w.u8(RecordKind.Heartbeat);
    w.varuint(seq);
    this.count++;
  }

  join(seq: number, renderer: ClusterRenderer): void {
    const w = this.#open();
    w.u8(RecordKind.Join);
    w.varuint(seq);
    writeRenderer(w, renderer);
    this.count++;
  }

  leave(seq: number, id: number): void {
    const w = this.#open();
    w.u8(RecordKind.Leave);
    w.varuint(seq);
    w.varuint(id);
    this.count++;
  }

  bye(): void {
    this.#open().u8(RecordKind.Bye);
    this.count++;
  }

  call(call: number, target: number, code: string, userGesture: boolean): void {
    const w = this.#open();
    w.u8(RecordKind.Call);
    w.varuint(call);
    w.varuint(target);
    w.string(code);
    w.u8(userGesture ? 1 : 0);
    this.count++;
  }

  /** @throws IpcError `ERR_IPC_NOT_CLONEABLE` for `value`; the batch is left as it was. */
  result(call: number, ok: boolean, value: unknown, errorCode: string): void {
    const w = this.#open();
    const start = w.pos;
    try {
      w.u8(RecordKind.Result);
      w.varuint(call);
      w.u8(ok ? 1 : 0);
      writeValue(w, value);
      w.string(errorCode);
    } catch (error) {
      w.pos = start;
      throw error;
    }
    this.count++;
  }

  /** The batch's bytes (`undefined` when it has no record); the writer starts a new batch. */
  take(): Uint8Array | undefined {
    const w = this.#writer;
    if (!w || this.count === 0) return undefined;
    this.#writer = undefined;
    this.count = 0;
    return w.finish();
  }

  #list(kind: number, seq: number, renderers: readonly ClusterRenderer[]): void {
    const w = this.#open();
    w.u8(kind);
    w.varuint(seq);
    w.varuint(renderers.length);
    for (const renderer of renderers) writeRenderer(w, renderer);
    this.count++;
  }

  #open(): ByteWriter {
    let w = this.#writer;
    if (w) return w;
    w = this.#writer = new ByteWriter();
    w.u8(WIRE_VERSION);
    w.string(this.fromNode);
    return w;
  }
}

function writeRenderer(w: ByteWriter, renderer: ClusterRenderer): void {
  w.varuint(renderer.id);
  w.string(renderer.type);
  w.string(renderer.url);
  w.string(renderer.origin);
  const processId = renderer.processId;
  w.varuint(Number.isSafeInteger(processId) && processId >= 0 ? processId : 0);
}

/**
 * Reads a batch record by record into the visitor `visitorFor` gives for its sending node (none: the
 * batch is skipped, e.g. one's own on the shared channel). Each value gets the whole allocation budget
 * of `limits`.
 * @throws IpcError `ERR_IPC_DECODE` / `ERR_IPC_LIMIT_EXCEEDED` for bytes that are no batch (records
 * before the bad one have been visited).
 */
export function readBatch(
  bytes: Uint8Array,
  visitorFor: (from: string) => BatchVisitor | undefined,
  limits: DecodeLimits = DEFAULT_LIMITS,
): void {
  if (bytes.length > limits.maxPayload) {
    throw new IpcError(
      IpcErrorCode.LimitExceeded,
      `A cluster batch of ${bytes.length} bytes exceeds maxPayload (${limits.maxPayload}).`,
    );
  }
  const r = new ByteReader(bytes, limits);
  const version = r.u8();
  if (version !== WIRE_VERSION)
    throw decodeError(`cluster batch version ${version}, expected ${WIRE_VERSION}`, 0);
  const visitor = visitorFor(r.string());
  if (!visitor) return;
  while (!r.atEnd) {
    const at = r.offset;
    const kind = r.u8();
    r.budget = limits.maxAllocations;
    switch (kind) {
      case RecordKind.Send: {
        const target = r.varuint();
        const sender = r.varuint();
        const channel = r.string();
        const args = readValue(r);
        if (!Array.isArray(args)) throw decodeError('message arguments are not an array', at);
        visitor.send(target, sender, channel, args);
        break;
      }
      case RecordKind.Close:
        visitor.close(r.varuint());
        break;
      case RecordKind.Snapshot: {
        const seq = r.varuint();
        visitor.snapshot(seq, readRenderers(r));
        break;
      }
      case RecordKind.Sync:
        visitor.sync();
        break;
      case RecordKind.Hello: {
        const seq = r.varuint();
        visitor.hello(seq, readRenderers(r));
        break;
      }
      case RecordKind.Heartbeat:
        visitor.heartbeat(r.varuint());
        break;
      case RecordKind.Join: {
        const seq = r.varuint();
        visitor.join(seq, readRenderer(r));
        break;
      }
      case RecordKind.Leave: {
        const seq = r.varuint();
        visitor.leave(seq, r.varuint());
        break;
      }
      case RecordKind.Bye:
        visitor.bye();
        break;
      case RecordKind.Call: {
        const call = r.varuint();
        const target = r.varuint();
        const code = r.string();
        visitor.call(call, target, code, r.u8() === 1);
        break;
      }
      case RecordKind.Result: {
        const call = r.varuint();
        const ok = r.u8() === 1;
        const value = readValue(r);
        visitor.result(call, ok, value, r.string());
        break;
      }
      default:
        throw decodeError(`unknown cluster record kind ${kind}`, at);
    }
  }
}

function readRenderers(r: ByteReader): ClusterRenderer[] {
  const count = r.varuint();
  // Each renderer takes at least 5 bytes: a count larger than what is left is a lie.
  if (count * 5 > r.remaining)
    throw decodeError(`${count} renderers cannot fit in ${r.remaining} bytes`, r.offset);
  const renderers: ClusterRenderer[] = [];
  for (let i = 0; i < count; i++) renderers.push(readRenderer(r));
  return renderers;
}

function readRenderer(r: ByteReader): ClusterRenderer {
  const at = r.offset;
  const id = r.varuint();
  const type = r.string() as WebContentsType;
  if (!TYPES.includes(type)) throw decodeError(`unknown WebContents type '${type}'`, at);
  const url = r.string();
  const origin = r.string();
  const processId = r.varuint();
  if (id === 0) throw decodeError('WebContents id 0', at);
  return { id, type, url, origin, processId };
}
