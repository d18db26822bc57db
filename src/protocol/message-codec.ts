import { maxSpansFor, spansProblem } from './codec/binary-spans.js';
import { ByteReader, decodeError } from './codec/byte-reader.js';
import { ByteWriter, varuintSize } from './codec/byte-writer.js';
import { Cost, spend } from './codec/decode-budget.js';
import { readValue } from './codec/decode-value.js';
import { writeValue } from './codec/encode-value.js';
import { IpcError, IpcErrorCode } from './errors.js';
import type { DecodeLimits } from './limits.js';
import {
  type AnyMessage,
  ConsoleLevel,
  type MainToRendererMessage,
  MessageKind,
  NATIVE_PORT,
  PageCommand,
  PageEvent,
  type RendererToMainMessage,
  ScriptOutcome,
} from './messages.js';
import { isSecretToken, SECRET_TOKEN_LENGTH } from './secret-token.js';

/*
 * Layout of one message (docs/protocol.md):
 *   kind:u8  seq:varuint  <kind-specific fields>  [args: structured-clone value, always an array]
 * A frame is one or more messages, each prefixed by its byte length as a varuint, so one transport
 * frame carries every message queued in the same task.
 */

/** Encodes one message. Throws `ERR_IPC_NOT_CLONEABLE` synchronously when an argument cannot be cloned. */
export function encodeMessage(message: AnyMessage): Uint8Array {
  const writer = new ByteWriter();
  writeMessage(writer, message);
  return writer.finish();
}

/**
 * Encodes one message as a whole frame (its length prefix, then the message), with one allocation.
 * Throws like {@link encodeMessage}.
 */
export function encodeMessageFrame(message: AnyMessage): Uint8Array {
  const writer = new ByteWriter();
  try {
    writer.u8(0);
    writeMessage(writer, message);
    prefixLength(writer, 0);
    return writer.finish();
  } catch (error) {
    writer.release();
    throw error;
  }
}

/** The length of the one message in a frame from {@link encodeMessageFrame} (its size without the prefix). */
export function messageBytesOf(frame: Uint8Array): number {
  let size = 1;
  while (varuintSize(frame.byteLength - size) !== size) size++;
  return frame.byteLength - size;
}

/**
 * Writes the length prefix of the message written from `at + 1` to the writer's end, where `at` is a
 * one-byte placeholder; a message of 128 bytes or more is moved up to make room for a longer prefix.
 */
export function prefixLength(writer: ByteWriter, at: number): void {
  const length = writer.pos - at - 1;
  if (length < 0x80) {
    writer.buf[at] = length;
    return;
  }
  const size = varuintSize(length);
  writer.ensure(size - 1);
  writer.buf.copyWithin(at + size, at + 1, writer.pos);
  writer.pos += size - 1;
  writer.patchVaruint(at, length, size);
}

/**
 * Appends one message to `writer` (the caller frames it). Throws `ERR_IPC_NOT_CLONEABLE` when an
 * argument cannot be cloned; the writer then holds a partial message the caller must discard.
 */
export function writeMessage(writer: ByteWriter, message: AnyMessage): void {
  writer.u8(message.kind);
  writer.varuint(message.seq);
  switch (message.kind) {
    case MessageKind.Send:
    case MessageKind.SendToHost:
      writer.string(message.channel);
      writeValue(writer, message.args);
      break;
    case MessageKind.SendSync:
    case MessageKind.Invoke:
      writer.varuint(message.id);
      writer.string(message.channel);
      writeValue(writer, message.args);
      break;
    case MessageKind.SendTo:
      writer.varuint(message.webContentsId);
      writer.string(message.channel);
      writeValue(writer, message.args);
      break;
    case MessageKind.WebviewSend:
      writer.varuint(message.guestId);
      writer.string(message.channel);
      writeValue(writer, message.args);
      break;
    case MessageKind.GuestRegister:
    case MessageKind.GuestRelease:
      writer.string(message.token);
      break;
    case MessageKind.Limits:
      writer.varuint(message.maxPayload);
      break;
    case MessageKind.RendererAck:
    case MessageKind.MainAck:
      writer.varuint(message.received);
      break;
    case MessageKind.Resumed:
      writer.varuint(message.received);
      writer.string(message.token);
      break;
    case MessageKind.PageState:
      writer.u8(message.event);
      writer.varuint(message.httpStatus);
      writer.string(message.url);
      writer.string(message.title);
      writer.string(message.loadToken);
      break;
    case MessageKind.ConsoleMessage:
      writer.u8(message.level);
      writer.varuint(message.line);
      writer.string(message.message);
      writer.string(message.sourceId);
      break;
    case MessageKind.ScriptResult:
      writer.varuint(message.id);
      writer.u8(message.outcome);
      if (message.outcome === ScriptOutcome.Failed) writer.string(message.error);
      else writeValue(writer, message.value);
      break;
    case MessageKind.ExecuteJavaScript:
      writer.varuint(message.id);
      writer.u8(message.userGesture ? 1 : 0);
      writer.string(message.code);
      break;
    case MessageKind.PageCommand:
      writer.u8(message.command);
      writer.string(message.url);
      writer.string(message.token);
      break;
    case MessageKind.Hello:
      writer.varuint(message.protocolVersion);
      writer.varuint(message.webContentsId);
      writer.varuint(message.maxPayload);
      writer.string(message.resumeToken);
      break;
    case MessageKind.Message:
      writer.varuint(message.senderId);
      writer.string(message.channel);
      if (message.encodedArgs) writer.bytes(message.encodedArgs);
      else writeValue(writer, message.args);
      break;
    case MessageKind.InvokeReply:
      writer.varuint(message.id);
      if (message.ok) {
        writer.u8(1);
        writeValue(writer, message.value);
      } else {
        writer.u8(0);
        writer.string(message.error);
      }
      break;
    case MessageKind.SyncReply:
      writer.varuint(message.id);
      writeValue(writer, message.value);
      break;
    case MessageKind.HostMessage:
      writer.varuint(message.guestId);
      writer.varuint(message.frameId);
      writer.string(message.channel);
      writeValue(writer, message.args);
      break;
    case MessageKind.GuestState:
      writer.string(message.token);
      writer.varuint(message.guestId);
      break;
    case MessageKind.RendererPostMessage:
    case MessageKind.MainPostMessage:
      writer.string(message.channel);
      writePorts(writer, message.ports);
      writeValue(writer, message.message);
      break;
    case MessageKind.RendererPortMessage:
    case MessageKind.MainPortMessage:
      writer.varuint(message.portId);
      writePorts(writer, message.ports);
      writeValue(writer, message.data);
      break;
    case MessageKind.RendererPortClose:
    case MessageKind.MainPortClose:
      writer.varuint(message.portId);
      break;
    case MessageKind.RendererChunk:
    case MessageKind.MainChunk:
      writer.varuint(message.total);
      if (message.total > 0) writeSpans(writer, message.spans ?? []);
      writer.bytes(message.data);
      break;
    default:
      throw new IpcError(
        IpcErrorCode.InvalidArgument,
        `Unknown message kind ${(message as AnyMessage).kind}.`,
      );
  }
}

/** Joins encoded messages into one frame. */
export function encodeFrame(messages: readonly Uint8Array[]): Uint8Array {
  const writer = new ByteWriter();
  for (const message of messages) {
    writer.varuint(message.byteLength);
    writer.bytes(message);
  }
  return writer.finish();
}

/** Which side is reading: it only accepts messages travelling towards it. */
export type Receiver = 'main' | 'renderer';

/**
 * Decodes a frame from a peer. The input is hostile: every failure is an {@link IpcError} with code
 * `ERR_IPC_DECODE`, `ERR_IPC_LIMIT_EXCEEDED` or `ERR_IPC_PROTOCOL`, and the caller closes the connection.
 */
export function decodeFrame(
  frame: Uint8Array,
  receiver: 'main',
  limits: DecodeLimits,
  sizes?: number[],
): RendererToMainMessage[];
export function decodeFrame(
  frame: Uint8Array,
  receiver: 'renderer',
  limits: DecodeLimits,
  sizes?: number[],
): MainToRendererMessage[];
export function decodeFrame(
  frame: Uint8Array,
  receiver: Receiver,
  limits: DecodeLimits,
  sizes?: number[],
): AnyMessage[];
/** `sizes`, when given, receives each message's encoded length (for traffic inspection). */
export function decodeFrame(
  frame: Uint8Array,
  receiver: Receiver,
  limits: DecodeLimits,
  sizes?: number[],
): AnyMessage[] {
  if (frame.byteLength > limits.maxPayload + 16) {
    throw new IpcError(
      IpcErrorCode.LimitExceeded,
      `Frame of ${frame.byteLength} bytes exceeds the limit of ${limits.maxPayload} bytes.`,
    );
  }
  // One reader for the whole frame (a sub-array and a reader per message cost more than decoding a
  // small message); each message must end exactly where its length prefix says.
  const reader = new ByteReader(frame, limits);
  const messages: AnyMessage[] = [];
  while (!reader.atEnd) {
    const length = reader.varuint();
    const start = reader.pos;
    if (length > reader.end - start) {
      throw decodeError(`truncated input (need ${length} more bytes, ${reader.end - start} left)`, start);
    }
    sizes?.push(length);
    // The frame's messages share the reader's allocation budget: a frame of many tiny messages costs
    // what its messages cost together.
    spend(reader, Cost.Message, 'message', start);
    messages.push(decodeMessage(reader, receiver, start + length));
  }
  if (messages.length === 0) throw new IpcError(IpcErrorCode.Protocol, 'Empty frame.');
  return messages;
}

/**
 * Decodes one whole message without a length prefix: a chunked message once reassembled. The same
 * checks as {@link decodeFrame}, with a budget of its own. Throws like it.
 */
export function decodeWhole(
  bytes: Uint8Array,
  receiver: Receiver,
  limits: DecodeLimits,
  filledSpans?: Map<number, ArrayBuffer>,
): AnyMessage {
  const reader = new ByteReader(bytes, limits);
  if (filledSpans !== undefined) reader.filledSpans = filledSpans;
  spend(reader, Cost.Message, 'message', 0);
  const message = decodeMessage(reader, receiver, bytes.byteLength);
  if (filledSpans !== undefined && filledSpans.size > 0) {
    throw new IpcError(
      IpcErrorCode.Protocol,
      `A chunked message lists a span at byte ${filledSpans.keys().next().value} where it holds no ArrayBuffer of that length.`,
    );
  }
  return message;
}

/** A first chunk's span list: count, then offset and length of each. */
function writeSpans(writer: ByteWriter, spans: readonly number[]): void {
  writer.varuint(spans.length / 2);
  for (const n of spans) writer.varuint(n);
}

function readSpans(reader: ByteReader, total: number): number[] {
  const at = reader.pos;
  const count = reader.varuint();
  // Each span takes at least two bytes: the input bounds the list before maxPayload is checked.
  if (count > maxSpansFor(total) || count * 2 > reader.remaining) {
    throw new IpcError(
      IpcErrorCode.Protocol,
      `A first chunk lists ${count} spans for a message of ${total} bytes.`,
    );
  }
  const spans = new Array<number>(count * 2);
  for (let i = 0; i < spans.length; i++) spans[i] = reader.varuint();
  const problem = spansProblem(spans, total);
  if (problem !== undefined) {
    throw new IpcError(IpcErrorCode.Protocol, `A first chunk's span list at byte ${at} has ${problem}.`);
  }
  return spans;
}

/** Decodes the message that `reader` is at, which ends at `end`. */
function decodeMessage(reader: ByteReader, receiver: Receiver, end: number): AnyMessage {
  const kind = reader.u8();
  const towardsMain = kind < MessageKind.Hello;
  if (towardsMain !== (receiver === 'main')) {
    throw new IpcError(IpcErrorCode.Protocol, `Message kind ${kind} cannot travel towards the ${receiver}.`);
  }
  const seq = reader.varuint();
  let message: AnyMessage;
  switch (kind) {
    case MessageKind.Send:
    case MessageKind.SendToHost:
      message = { kind, seq, channel: reader.string(), args: readArgs(reader) };
      break;
    case MessageKind.SendSync:
    case MessageKind.Invoke:
      message = { kind, seq, id: reader.varuint(), channel: reader.string(), args: readArgs(reader) };
      break;
    case MessageKind.SendTo:
      message = {
        kind,
        seq,
        webContentsId: reader.varuint(),
        channel: reader.string(),
        args: readArgs(reader),
      };
      break;
    case MessageKind.WebviewSend:
      message = { kind, seq, guestId: reader.varuint(), channel: reader.string(), args: readArgs(reader) };
      break;
    case MessageKind.GuestRegister:
    case MessageKind.GuestRelease:
      message = { kind, seq, token: readGuestToken(reader) };
      break;
    case MessageKind.Limits: {
      const maxPayload = reader.varuint();
      if (maxPayload === 0)
        throw new IpcError(IpcErrorCode.Protocol, 'A renderer announced a maxPayload of 0.');
      message = { kind, seq, maxPayload };
      break;
    }
    case MessageKind.RendererAck:
    case MessageKind.MainAck:
      message = { kind, seq: unsequenced(seq, kind), received: reader.varuint() };
      break;
    case MessageKind.Resumed:
      message = { kind, seq: unsequenced(seq, kind), received: reader.varuint(), token: readToken(reader) };
      break;
    case MessageKind.PageState:
      message = {
        kind,
        seq,
        event: readEnum<PageEvent>(reader, PAGE_EVENTS, 'page event'),
        httpStatus: reader.varuint(),
        url: reader.string(),
        title: reader.string(),
        loadToken: readTokenOrNone(reader, 'A load token'),
      };
      break;
    case MessageKind.ConsoleMessage:
      message = {
        kind,
        seq,
        level: readEnum<ConsoleLevel>(reader, CONSOLE_LEVELS, 'console level'),
        line: reader.varuint(),
        message: reader.string(),
        sourceId: reader.string(),
      };
      break;
    case MessageKind.ScriptResult: {
      const id = reader.varuint();
      const outcome = readEnum<ScriptOutcome>(reader, SCRIPT_OUTCOMES, 'script outcome');
      message =
        outcome === ScriptOutcome.Failed
          ? { kind, seq, id, outcome, error: reader.string() }
          : { kind, seq, id, outcome, value: readValue(reader) };
      break;
    }
    case MessageKind.ExecuteJavaScript: {
      const id = reader.varuint();
      const gesture = reader.u8();
      if (gesture > 1) throw new IpcError(IpcErrorCode.Decode, `Invalid user gesture flag ${gesture}.`);
      message = { kind, seq, id, userGesture: gesture === 1, code: reader.string() };
      break;
    }
    case MessageKind.PageCommand:
      message = {
        kind,
        seq,
        command: readEnum<PageCommand>(reader, PAGE_COMMANDS, 'page command'),
        url: reader.string(),
        token: readTokenOrNone(reader, 'A load token'),
      };
      break;
    case MessageKind.Hello:
      message = {
        kind,
        seq,
        protocolVersion: reader.varuint(),
        webContentsId: reader.varuint(),
        maxPayload: reader.varuint(),
        resumeToken: readResumeTokenOrNone(reader),
      };
      break;
    case MessageKind.Message:
      message = { kind, seq, senderId: reader.varuint(), channel: reader.string(), args: readArgs(reader) };
      break;
    case MessageKind.InvokeReply: {
      const id = reader.varuint();
      const ok = reader.u8();
      if (ok > 1) throw new IpcError(IpcErrorCode.Decode, `Invalid invoke reply flag ${ok}.`);
      message =
        ok === 1
          ? { kind, seq, id, ok: true, value: readValue(reader) }
          : { kind, seq, id, ok: false, error: reader.string() };
      break;
    }
    case MessageKind.SyncReply:
      message = { kind, seq: unsequenced(seq, kind), id: reader.varuint(), value: readValue(reader) };
      break;
    case MessageKind.HostMessage:
      message = {
        kind,
        seq,
        guestId: reader.varuint(),
        frameId: reader.varuint(),
        channel: reader.string(),
        args: readArgs(reader),
      };
      break;
    case MessageKind.GuestState:
      message = { kind, seq, token: readGuestToken(reader), guestId: reader.varuint() };
      break;
    case MessageKind.RendererPostMessage:
    case MessageKind.MainPostMessage: {
      const channel = reader.string();
      const ports = readPorts(reader, kind);
      message = { kind, seq, channel, ports, message: readValue(reader) };
      break;
    }
    case MessageKind.RendererPortMessage:
    case MessageKind.MainPortMessage: {
      const portId = readPortId(reader);
      const ports = readPorts(reader, kind);
      message = { kind, seq, portId, ports, data: readValue(reader) };
      break;
    }
    case MessageKind.RendererPortClose:
    case MessageKind.MainPortClose:
      message = { kind, seq, portId: readPortId(reader) };
      break;
    case MessageKind.RendererChunk:
    case MessageKind.MainChunk: {
      const total = reader.varuint();
      const spans = total > 0 ? readSpans(reader, total) : undefined;
      // The rest of the message is data; an empty chunk would cost a message and carry nothing.
      if (reader.pos >= end) throw new IpcError(IpcErrorCode.Decode, 'A chunk carries no data.');
      const data = reader.bytes(end - reader.pos);
      message = spans === undefined ? { kind, seq, total, data } : { kind, seq, total, spans, data };
      break;
    }
    default:
      throw new IpcError(IpcErrorCode.Decode, `Unknown message kind ${kind}.`);
  }
  if (reader.pos !== end) {
    throw new IpcError(
      IpcErrorCode.Decode,
      reader.pos < end
        ? `${end - reader.pos} unexpected bytes after a message of kind ${kind}.`
        : `A message of kind ${kind} runs ${reader.pos - end} bytes past its length.`,
    );
  }
  return message;
}

/** A `ports` list: its length, then one reference per port (`NATIVE_PORT` or a virtual port id). */
function writePorts(writer: ByteWriter, ports: readonly number[]): void {
  writer.varuint(ports.length);
  for (const port of ports) writer.varuint(port);
}

/**
 * A `ports` list. Every virtual id in it is a new port of the sender, who chooses ids of its own parity
 * (main odd, renderers even): one of the other parity would name a port the sender cannot create.
 */
function readPorts(reader: ByteReader, kind: number): number[] {
  const at = reader.pos;
  const count = reader.varuint();
  // Each reference takes at least a byte: a count beyond the bytes left is refused before allocating.
  if (count > reader.end - reader.pos) throw decodeError(`a list of ${count} ports`, at);
  spend(reader, Cost.Array + count * Cost.Slot, 'ports', at);
  const parity = kind < MessageKind.Hello ? 0 : 1;
  const ports = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const port = reader.varuint();
    if (port !== NATIVE_PORT && port % 2 !== parity) {
      throw new IpcError(
        IpcErrorCode.Protocol,
        `Port id ${port} cannot be created by the ${parity === 0 ? 'renderer' : 'main process'}.`,
      );
    }
    ports[i] = port;
  }
  return ports;
}

function readPortId(reader: ByteReader): number {
  const id = reader.varuint();
  if (id === NATIVE_PORT) throw new IpcError(IpcErrorCode.Decode, 'A port message names port 0.');
  return id;
}

function readArgs(reader: ByteReader): unknown[] {
  const args = readValue(reader);
  if (!Array.isArray(args)) throw new IpcError(IpcErrorCode.Protocol, 'Message arguments must be an array.');
  return args;
}

/** Sync replies, acks and resume notices travel outside the sequence: their `seq` must be 0. */
function unsequenced(seq: number, kind: number): 0 {
  if (seq !== 0) {
    throw new IpcError(IpcErrorCode.Protocol, `A message of kind ${kind} must not carry a sequence number.`);
  }
  return 0;
}

function readGuestToken(reader: ByteReader): string {
  return readToken(reader, 'A guest token');
}

/** The hello's resume token: a token, or `''` when the transport cannot resume. */
function readResumeTokenOrNone(reader: ByteReader): string {
  return readTokenOrNone(reader, 'A resume token');
}

/** A token, or `''` (a string header of 0). */
function readTokenOrNone(reader: ByteReader, what: string): string {
  const at = reader.pos;
  if (reader.u8() === 0) return '';
  reader.pos = at;
  return readToken(reader, what);
}

const PAGE_EVENTS: ReadonlySet<number> = new Set(Object.values(PageEvent));
const CONSOLE_LEVELS: ReadonlySet<number> = new Set(Object.values(ConsoleLevel));
const SCRIPT_OUTCOMES: ReadonlySet<number> = new Set(Object.values(ScriptOutcome));
const PAGE_COMMANDS: ReadonlySet<number> = new Set(Object.values(PageCommand));

/** A one-byte enumeration value; anything outside `values` is a decode error. */
function readEnum<T extends number>(reader: ByteReader, values: ReadonlySet<number>, what: string): T {
  const value = reader.u8();
  if (!values.has(value)) throw new IpcError(IpcErrorCode.Decode, `Unknown ${what} ${value}.`);
  return value as T;
}

function readToken(reader: ByteReader, what = 'A resume token'): string {
  const token = reader.string();
  const { length } = token;
  if (!isSecretToken(token)) {
    throw new IpcError(
      IpcErrorCode.Decode,
      `${what} must be ${SECRET_TOKEN_LENGTH} base64url characters (got ${length} characters).`,
    );
  }
  return token;
}
