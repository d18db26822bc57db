import type { Receiver } from '../../../src/protocol/message-codec.js';
import { type AnyMessage, MessageKind } from '../../../src/protocol/messages.js';
import { fromHex } from './hex.js';

/** One golden message fixture: a message and the exact bytes of `encodeMessage(message)`. */
export interface MessageFixture {
  readonly name: string;
  /** The side that accepts it (kinds below 32 travel towards main). */
  readonly receiver: Receiver;
  readonly message: AnyMessage;
  /** The encoding as hex byte pairs (whitespace ignored), without a frame's length prefix. */
  readonly hex: string;
}

/** One golden frame: several messages, each behind its varuint length (`encodeFrame`). */
export interface FrameFixture {
  readonly name: string;
  readonly receiver: Receiver;
  readonly messages: readonly AnyMessage[];
  readonly hex: string;
}

/** A guest token (43 base64url characters): the bytes 0..31, base64url-encoded. */
const TOKEN = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';

const K = MessageKind;

/** Every MessageKind, both directions. */
export const messageFixtures: MessageFixture[] = [
  {
    name: 'send',
    receiver: 'main',
    message: { kind: K.Send, seq: 1, channel: 'ping', args: [1, 'two'] },
    hex: '01 01 10 70 69 6e 67 0c 02 81 09 0c 74 77 6f',
  },
  {
    name: 'sendSync',
    receiver: 'main',
    message: { kind: K.SendSync, seq: 2, id: 1, channel: 'sync', args: [] },
    hex: '02 02 01 10 73 79 6e 63 0c 00',
  },
  {
    name: 'invoke',
    receiver: 'main',
    message: { kind: K.Invoke, seq: 3, id: 2, channel: 'get', args: [{ id: 5 }] },
    hex: [
      '03', // kind: MessageKind.Invoke
      '03', // seq 3
      '02', // id 2
      '0c 67 65 74', // channel: header 3 * 4 + Latin1, "get"
      '0c 01 0b 01 08 69 64 85', // args: [{id: 5}]
    ].join(' '),
  },
  {
    name: 'sendToHost',
    receiver: 'main',
    message: { kind: K.SendToHost, seq: 4, channel: 'to-host', args: [null] },
    hex: '04 04 1c 74 6f 2d 68 6f 73 74 0c 01 01',
  },
  {
    name: 'sendTo',
    receiver: 'main',
    message: { kind: K.SendTo, seq: 5, webContentsId: 3, channel: 'relay', args: [true] },
    hex: '05 05 03 14 72 65 6c 61 79 0c 01 03',
  },
  {
    name: 'webviewSend',
    receiver: 'main',
    message: { kind: K.WebviewSend, seq: 6, guestId: 4, channel: 'to-guest', args: ['x'] },
    hex: '06 06 04 20 74 6f 2d 67 75 65 73 74 0c 01 09 04 78',
  },
  {
    name: 'guestRegister',
    receiver: 'main',
    message: { kind: K.GuestRegister, seq: 7, token: TOKEN },
    hex: `
      07 07 ac 01 41 41 45 43 41 77 51 46 42 67 63 49
      43 51 6f 4c 44 41 30 4f 44 78 41 52 45 68 4d 55
      46 52 59 58 47 42 6b 61 47 78 77 64 48 68 38
    `,
  },
  {
    name: 'guestRelease',
    receiver: 'main',
    message: { kind: K.GuestRelease, seq: 8, token: TOKEN },
    hex: `
      08 08 ac 01 41 41 45 43 41 77 51 46 42 67 63 49
      43 51 6f 4c 44 41 30 4f 44 78 41 52 45 68 4d 55
      46 52 59 58 47 42 6b 61 47 78 77 64 48 68 38
    `,
  },
  {
    name: 'limits',
    receiver: 'main',
    message: { kind: K.Limits, seq: 1, maxPayload: 1024 * 1024 },
    hex: '09 01 80 80 40',
  },
  {
    name: 'send with a 3-byte seq',
    receiver: 'main',
    message: { kind: K.Send, seq: 2 ** 21, channel: 'late', args: [] },
    hex: '01 80 80 80 01 10 6c 61 74 65 0c 00',
  },
  {
    name: 'hello',
    receiver: 'renderer',
    message: {
      kind: K.Hello,
      seq: 1,
      protocolVersion: 2,
      webContentsId: 1,
      maxPayload: 64 * 1024 * 1024,
      resumeToken: '',
    },
    hex: '20 01 02 01 80 80 80 20 00',
  },
  {
    name: 'hello with a resume token',
    receiver: 'renderer',
    message: {
      kind: K.Hello,
      seq: 1,
      protocolVersion: 2,
      webContentsId: 3,
      maxPayload: 1024,
      resumeToken: 'A'.repeat(43),
    },
    hex: `20 01 02 03 80 08 ac 01 ${'41 '.repeat(43).trim()}`,
  },
  {
    name: 'renderer ack',
    receiver: 'main',
    message: { kind: K.RendererAck, seq: 0, received: 300 },
    hex: '0a 00 ac 02',
  },
  {
    name: 'page state: loading',
    receiver: 'main',
    message: {
      kind: K.PageState,
      seq: 1,
      event: 1,
      httpStatus: 200,
      url: 'http://a/',
      title: 'T',
      loadToken: '',
    },
    hex: [
      '0b', // kind: MessageKind.PageState
      '01', // seq 1
      '01', // event: PageEvent.Loading
      'c8 01', // httpStatus 200
      '24 68 74 74 70 3a 2f 2f 61 2f', // url: header 9 * 4 + Latin1, "http://a/"
      '04 54', // title "T"
      '00', // loadToken: none
    ].join(' '),
  },
  {
    name: 'page state: loading after loadURL (a load token)',
    receiver: 'main',
    message: {
      kind: K.PageState,
      seq: 1,
      event: 1,
      httpStatus: 0,
      url: 'http://a/b',
      title: '',
      loadToken: TOKEN,
    },
    hex: `0b 01 01 00 28 68 74 74 70 3a 2f 2f 61 2f 62 00 ac 01 ${Array.from(TOKEN, (c) =>
      c.charCodeAt(0).toString(16),
    ).join(' ')}`,
  },
  {
    name: 'page state: in-page navigation',
    receiver: 'main',
    message: {
      kind: K.PageState,
      seq: 3,
      event: 4,
      httpStatus: 0,
      url: 'http://a/#x',
      title: 'T',
      loadToken: '',
    },
    hex: '0b 03 04 00 2c 68 74 74 70 3a 2f 2f 61 2f 23 78 04 54 00',
  },
  {
    name: 'console message',
    receiver: 'main',
    message: {
      kind: K.ConsoleMessage,
      seq: 4,
      level: 2,
      line: 130,
      message: 'careful',
      sourceId: 'http://a/app.js',
    },
    hex: [
      '0c', // kind: MessageKind.ConsoleMessage
      '04', // seq 4
      '02', // level: ConsoleLevel.Warning
      '82 01', // line 130
      '1c 63 61 72 65 66 75 6c', // message "careful"
      '3c 68 74 74 70 3a 2f 2f 61 2f 61 70 70 2e 6a 73', // sourceId "http://a/app.js"
    ].join(' '),
  },
  {
    name: 'script result: resolved',
    receiver: 'main',
    message: { kind: K.ScriptResult, seq: 5, id: 1, outcome: 0, value: 42 },
    hex: '0d 05 01 00 aa',
  },
  {
    name: 'script result: threw',
    receiver: 'main',
    message: { kind: K.ScriptResult, seq: 6, id: 2, outcome: 1, value: 'no' },
    hex: '0d 06 02 01 09 08 6e 6f',
  },
  {
    name: 'script result: failed',
    receiver: 'main',
    message: { kind: K.ScriptResult, seq: 7, id: 3, outcome: 2, error: 'Error: no eval' },
    hex: '0d 07 03 02 38 45 72 72 6f 72 3a 20 6e 6f 20 65 76 61 6c',
  },
  {
    name: 'executeJavaScript',
    receiver: 'renderer',
    message: { kind: K.ExecuteJavaScript, seq: 2, id: 1, userGesture: true, code: '1+1' },
    hex: [
      '28', // kind: MessageKind.ExecuteJavaScript
      '02', // seq 2
      '01', // id 1
      '01', // userGesture
      '0c 31 2b 31', // code "1+1"
    ].join(' '),
  },
  {
    name: 'page command: reload',
    receiver: 'renderer',
    message: { kind: K.PageCommand, seq: 3, command: 1, url: '', token: '' },
    hex: '29 03 01 00 00',
  },
  {
    name: 'page command: loadURL',
    receiver: 'renderer',
    message: { kind: K.PageCommand, seq: 4, command: 2, url: 'http://a/b', token: TOKEN },
    hex: `29 04 02 28 68 74 74 70 3a 2f 2f 61 2f 62 ac 01 ${Array.from(TOKEN, (c) =>
      c.charCodeAt(0).toString(16),
    ).join(' ')}`,
  },
  {
    name: 'page command: report console messages',
    receiver: 'renderer',
    message: { kind: K.PageCommand, seq: 5, command: 3, url: '', token: '' },
    hex: '29 05 03 00 00',
  },
  {
    name: 'main ack',
    receiver: 'renderer',
    message: { kind: K.MainAck, seq: 0, received: 5 },
    hex: '26 00 05',
  },
  {
    name: 'resumed',
    receiver: 'renderer',
    message: { kind: K.Resumed, seq: 0, received: 7, token: 'b'.repeat(43) },
    hex: `27 00 07 ac 01 ${'62 '.repeat(43).trim()}`,
  },
  {
    name: 'message from main',
    receiver: 'renderer',
    message: { kind: K.Message, seq: 2, senderId: 0, channel: 'news', args: ['hi'] },
    hex: '21 02 00 10 6e 65 77 73 0c 01 09 08 68 69',
  },
  {
    name: 'message relayed from renderer 7',
    receiver: 'renderer',
    message: { kind: K.Message, seq: 3, senderId: 7, channel: 'relay', args: [true] },
    hex: '21 03 07 14 72 65 6c 61 79 0c 01 03',
  },
  {
    name: 'invokeReply ok',
    receiver: 'renderer',
    message: { kind: K.InvokeReply, seq: 4, id: 2, ok: true, value: { n: 1 } },
    hex: '22 04 02 01 0b 01 04 6e 81',
  },
  {
    name: 'invokeReply error',
    receiver: 'renderer',
    message: { kind: K.InvokeReply, seq: 5, id: 3, ok: false, error: 'Error: boom' },
    hex: [
      '22', // kind: MessageKind.InvokeReply
      '05', // seq 5
      '03', // id 3
      '00', // ok: 0, an error text follows
      '2c 45 72 72 6f 72 3a 20 62 6f 6f 6d', // header 11 * 4 + Latin1, "Error: boom"
    ].join(' '),
  },
  {
    name: 'syncReply',
    receiver: 'renderer',
    message: { kind: K.SyncReply, seq: 0, id: 1, value: 'pong' },
    hex: '23 00 01 09 10 70 6f 6e 67',
  },
  {
    name: 'hostMessage',
    receiver: 'renderer',
    message: { kind: K.HostMessage, seq: 6, guestId: 4, frameId: 1, channel: 'from-guest', args: [1] },
    hex: '24 06 04 01 28 66 72 6f 6d 2d 67 75 65 73 74 0c 01 81',
  },
  {
    name: 'guestState no guest',
    receiver: 'renderer',
    message: { kind: K.GuestState, seq: 7, token: TOKEN, guestId: 0 },
    hex: `
      25 07 ac 01 41 41 45 43 41 77 51 46 42 67 63 49
      43 51 6f 4c 44 41 30 4f 44 78 41 52 45 68 4d 55
      46 52 59 58 47 42 6b 61 47 78 77 64 48 68 38 00
    `,
  },
  {
    name: 'guestState guest 12',
    receiver: 'renderer',
    message: { kind: K.GuestState, seq: 8, token: TOKEN, guestId: 12 },
    hex: `
      25 08 ac 01 41 41 45 43 41 77 51 46 42 67 63 49
      43 51 6f 4c 44 41 30 4f 44 78 41 52 45 68 4d 55
      46 52 59 58 47 42 6b 61 47 78 77 64 48 68 38 0c
    `,
  },
  {
    name: 'postMessage towards main (virtual port 2)',
    receiver: 'main',
    message: { kind: K.RendererPostMessage, seq: 5, channel: 'port', ports: [2], message: 'hi' },
    hex: [
      '0e', // kind: MessageKind.RendererPostMessage
      '05', // seq 5
      '10 70 6f 72 74', // channel "port"
      '01 02', // ports: one, virtual id 2 (renderer ids are even)
      '09 08 68 69', // message: "hi"
    ].join(' '),
  },
  {
    name: 'portMessage towards main',
    receiver: 'main',
    message: { kind: K.RendererPortMessage, seq: 6, portId: 2, ports: [], data: 42 },
    hex: '0f 06 02 00 aa',
  },
  {
    name: 'portClose towards main',
    receiver: 'main',
    message: { kind: K.RendererPortClose, seq: 7, portId: 2 },
    hex: '10 07 02',
  },
  {
    name: 'postMessage towards the renderer (virtual port 1, a native port)',
    receiver: 'renderer',
    message: { kind: K.MainPostMessage, seq: 9, channel: 'port', ports: [1, 0], message: null },
    hex: [
      '2a', // kind: MessageKind.MainPostMessage
      '09', // seq 9
      '10 70 6f 72 74', // channel "port"
      '02 01 00', // ports: two, virtual id 1 (main ids are odd), then the frame's first native port
      '01', // message: null
    ].join(' '),
  },
  {
    name: 'portMessage towards the renderer (transferring virtual port 3)',
    receiver: 'renderer',
    message: { kind: K.MainPortMessage, seq: 10, portId: 1, ports: [3], data: 'x' },
    hex: '2b 0a 01 01 03 09 04 78',
  },
  {
    name: 'portClose towards the renderer',
    receiver: 'renderer',
    message: { kind: K.MainPortClose, seq: 11, portId: 3 },
    hex: '2c 0b 03',
  },
  {
    name: 'first chunk towards main (a 300-byte message, its first 3 bytes)',
    receiver: 'main',
    // `data` is a view into the frame it came in (no copy): here, the fixture's own frame.
    message: {
      kind: K.RendererChunk,
      seq: 5,
      total: 300,
      spans: [],
      data: frameView('08 11 05 ac 02 00 01 02 03', 6),
    },
    hex: [
      '11', // kind: MessageKind.RendererChunk
      '05', // seq
      'ac 02', // total: 300
      '00', // spans: none
      '01 02 03', // data: the rest of the message
    ].join(' '),
  },
  {
    name: 'first chunk towards the renderer with a span (an ArrayBuffer of 300,000 bytes at byte 10)',
    receiver: 'renderer',
    message: {
      kind: K.MainChunk,
      seq: 7,
      total: 600_000,
      spans: [10, 300_000],
      data: frameView('0b 2d 07 c0 cf 24 01 0a e0 a7 12 aa', 11),
    },
    hex: [
      '2d', // kind: MessageKind.MainChunk
      '07', // seq
      'c0 cf 24', // total: 600,000
      '01', // one span:
      '0a', // at byte 10 of the message
      'e0 a7 12', // 300,000 bytes long
      'aa', // data
    ].join(' '),
  },
  {
    name: 'later chunk towards the renderer',
    receiver: 'renderer',
    message: { kind: K.MainChunk, seq: 6, total: 0, data: frameView('04 2d 06 00 ff', 4) },
    hex: '2d 06 00 ff',
  },
];

/** Frames of several messages, and one whose message needs a 2-byte length prefix. */
export const frameFixtures: FrameFixture[] = [
  {
    name: 'three messages towards main',
    receiver: 'main',
    messages: [
      { kind: K.Limits, seq: 1, maxPayload: 4096 },
      { kind: K.Send, seq: 2, channel: 'a', args: [] },
      { kind: K.Invoke, seq: 3, id: 1, channel: 'b', args: [0] },
    ],
    hex: [
      '04', // length 4
      '09 01 80 20', // limits, seq 1, maxPayload 4096
      '06', // length 6
      '01 02 04 61 0c 00', // send, seq 2, channel "a", args []
      '08', // length 8
      '03 03 01 04 62 0c 01 80', // invoke, seq 3, id 1, channel "b", args [0]
    ].join(' '),
  },
  {
    name: 'hello and a message towards the renderer',
    receiver: 'renderer',
    messages: [
      { kind: K.Hello, seq: 1, protocolVersion: 2, webContentsId: 2, maxPayload: 1024, resumeToken: '' },
      { kind: K.Message, seq: 2, senderId: 0, channel: 'c', args: [null] },
    ],
    hex: '07 20 01 02 02 80 08 00 08 21 02 00 04 63 0c 01 01',
  },
  {
    name: 'a 139-byte message (2-byte length prefix) and a short one',
    receiver: 'main',
    messages: [
      { kind: K.Send, seq: 1, channel: 'big', args: ['q'.repeat(128)] },
      { kind: K.Send, seq: 2, channel: 'small', args: [] },
    ],
    hex: `
      8b 01 01 01 0c 62 69 67 0c 01 09 81 04 71 71 71
      71 71 71 71 71 71 71 71 71 71 71 71 71 71 71 71
      71 71 71 71 71 71 71 71 71 71 71 71 71 71 71 71
      71 71 71 71 71 71 71 71 71 71 71 71 71 71 71 71
      71 71 71 71 71 71 71 71 71 71 71 71 71 71 71 71
      71 71 71 71 71 71 71 71 71 71 71 71 71 71 71 71
      71 71 71 71 71 71 71 71 71 71 71 71 71 71 71 71
      71 71 71 71 71 71 71 71 71 71 71 71 71 71 71 71
      71 71 71 71 71 71 71 71 71 71 71 71 71 0a 01 02
      14 73 6d 61 6c 6c 0c 00
    `,
  },
];

/** The bytes of `frameHex` from `offset` on, as a view into the whole frame (what the decoder gives). */
function frameView(frameHex: string, offset: number): Uint8Array {
  return fromHex(frameHex).subarray(offset);
}
