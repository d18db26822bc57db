import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IpcError } from '../../src/protocol/errors.js';
import { DEFAULT_LIMITS } from '../../src/protocol/limits.js';
import { decodeFrame, encodeFrame, encodeMessage } from '../../src/protocol/message-codec.js';
import { type AnyMessage, MessageKind } from '../../src/protocol/messages.js';
import { createSecretToken } from '../../src/protocol/secret-token.js';

const runs = Number(process.env.FC_RUNS ?? 1000);
const TOKEN = createSecretToken();

const toMain: AnyMessage[] = [
  { kind: MessageKind.Send, seq: 1, channel: 'a', args: [1, 'two'] },
  { kind: MessageKind.SendSync, seq: 2, id: 7, channel: 'b', args: [] },
  { kind: MessageKind.Invoke, seq: 3, id: 8, channel: 'c', args: [new Date(0)] },
  { kind: MessageKind.SendToHost, seq: 4, channel: 'd', args: [null] },
  { kind: MessageKind.SendTo, seq: 5, webContentsId: 9, channel: 'e', args: [[1]] },
  { kind: MessageKind.WebviewSend, seq: 6, guestId: 3, channel: 'f', args: [{ x: 1 }] },
  { kind: MessageKind.GuestRegister, seq: 7, token: TOKEN },
  { kind: MessageKind.GuestRelease, seq: 8, token: TOKEN },
  { kind: MessageKind.Limits, seq: 9, maxPayload: 2 ** 40 },
  { kind: MessageKind.RendererAck, seq: 0, received: 2 ** 30 },
];

const toRenderer: AnyMessage[] = [
  {
    kind: MessageKind.Hello,
    seq: 1,
    protocolVersion: 2,
    webContentsId: 4,
    maxPayload: 1024,
    resumeToken: '',
  },
  {
    kind: MessageKind.Hello,
    seq: 1,
    protocolVersion: 2,
    webContentsId: 4,
    maxPayload: 1024,
    resumeToken: TOKEN,
  },
  { kind: MessageKind.MainAck, seq: 0, received: 12 },
  { kind: MessageKind.Resumed, seq: 0, received: 3, token: TOKEN },
  { kind: MessageKind.Message, seq: 2, senderId: 0, channel: 'g', args: [new Map([[1, 2]])] },
  { kind: MessageKind.InvokeReply, seq: 3, id: 8, ok: true, value: { deep: [1n] } },
  { kind: MessageKind.InvokeReply, seq: 4, id: 9, ok: false, error: 'Error: boom' },
  { kind: MessageKind.SyncReply, seq: 0, id: 7, value: 'sync' },
  { kind: MessageKind.HostMessage, seq: 5, guestId: 2, frameId: 1, channel: 'h', args: ['x'] },
  { kind: MessageKind.GuestState, seq: 6, token: TOKEN, guestId: 0 },
  { kind: MessageKind.GuestState, seq: 7, token: TOKEN, guestId: 12 },
];

describe('message codec', () => {
  it('round-trips every message kind towards main, several per frame', () => {
    const frame = encodeFrame(toMain.map(encodeMessage));
    expect(decodeFrame(frame, 'main', DEFAULT_LIMITS)).toEqual(toMain);
  });

  it('round-trips every message kind towards the renderer', () => {
    const frame = encodeFrame(toRenderer.map(encodeMessage));
    expect(decodeFrame(frame, 'renderer', DEFAULT_LIMITS)).toEqual(toRenderer);
  });

  it('refuses messages travelling the wrong way', () => {
    const towardsRenderer = encodeFrame([encodeMessage(toRenderer[1]!)]);
    expect(() => decodeFrame(towardsRenderer, 'main', DEFAULT_LIMITS)).toThrow(
      expect.objectContaining({ code: 'ERR_IPC_PROTOCOL' }),
    );
    const towardsMain = encodeFrame([encodeMessage(toMain[0]!)]);
    expect(() => decodeFrame(towardsMain, 'renderer', DEFAULT_LIMITS)).toThrow(
      expect.objectContaining({ code: 'ERR_IPC_PROTOCOL' }),
    );
  });

  it('refuses an empty frame, trailing bytes, and non-array arguments', () => {
    expect(() => decodeFrame(new Uint8Array(0), 'main', DEFAULT_LIMITS)).toThrow(
      expect.objectContaining({ code: 'ERR_IPC_PROTOCOL' }),
    );
    const message = encodeMessage(toMain[0]!);
    const padded = new Uint8Array([message.byteLength + 1, ...message, 0]);
    expect(() => decodeFrame(padded, 'main', DEFAULT_LIMITS)).toThrow(
      expect.objectContaining({ code: 'ERR_IPC_DECODE' }),
    );
  });

  it('refuses a guest token that is not 43 base64url characters', () => {
    const bad = [
      '',
      'x'.repeat(42),
      'x'.repeat(44),
      `${'x'.repeat(42)}+`,
      `${'x'.repeat(42)}=`,
      'é'.repeat(43),
    ];
    for (const token of bad) {
      for (const message of [
        { kind: MessageKind.GuestRegister, seq: 1, token },
        { kind: MessageKind.GuestRelease, seq: 1, token },
        { kind: MessageKind.GuestState, seq: 1, token, guestId: 1 },
      ] as AnyMessage[]) {
        const frame = encodeFrame([encodeMessage(message)]);
        const receiver = message.kind === MessageKind.GuestState ? 'renderer' : 'main';
        expect(() => decodeFrame(frame, receiver, DEFAULT_LIMITS)).toThrow(
          expect.objectContaining({ code: 'ERR_IPC_DECODE' }),
        );
      }
    }
  });

  it('refuses a frame larger than maxPayload before decoding it', () => {
    const frame = encodeFrame([
      encodeMessage({ kind: MessageKind.Send, seq: 1, channel: 'a', args: ['x'.repeat(2000)] }),
    ]);
    expect(() => decodeFrame(frame, 'main', { ...DEFAULT_LIMITS, maxPayload: 1000 })).toThrow(
      expect.objectContaining({ code: 'ERR_IPC_LIMIT_EXCEEDED' }),
    );
  });

  it('throws the clone error synchronously while encoding', () => {
    expect(() => encodeMessage({ kind: MessageKind.Send, seq: 1, channel: 'a', args: [() => 1] })).toThrow(
      'An object could not be cloned.',
    );
  });

  it.each([
    ['main', toMain],
    ['renderer', toRenderer],
  ] as const)(
    'turns random and mutated frames towards the %s into coded errors only',
    (receiver, messages) => {
      const valid = encodeFrame(messages.map(encodeMessage));
      const mutated = fc
        .tuple(
          fc.nat({ max: valid.byteLength - 1 }),
          fc.integer({ min: 0, max: 255 }),
          fc.nat({ max: valid.byteLength }),
        )
        .map(([at, byte, cut]) => {
          const copy = valid.slice(0, Math.max(cut, at + 1));
          copy[at] = byte;
          return copy;
        });
      fc.assert(
        fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated), (bytes) => {
          try {
            decodeFrame(bytes, receiver, DEFAULT_LIMITS);
          } catch (error) {
            expect(error).toBeInstanceOf(IpcError);
            expect(['ERR_IPC_DECODE', 'ERR_IPC_PROTOCOL', 'ERR_IPC_LIMIT_EXCEEDED']).toContain(
              (error as IpcError).code,
            );
          }
        }),
        { numRuns: runs },
      );
    },
  );
});
