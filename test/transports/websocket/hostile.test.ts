import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lifecycleOf } from '../../../src/core/renderer/ipc-renderer-impl.js';
import { createMain, createServer, type IpcServer, type Main } from '../../../src/main.js';
import { DEFAULT_LIMITS, type DecodeLimits } from '../../../src/protocol/limits.js';
import { decodeFrame, encodeFrame, encodeMessage } from '../../../src/protocol/message-codec.js';
import { MessageKind, type RendererToMainMessage } from '../../../src/protocol/messages.js';
import type { IpcRenderer } from '../../../src/renderer.js';
import { createIpcRenderer, disconnect } from '../../../src/renderer.node.js';
import { recordingLogger } from '../../conformance/harness.js';
import { rawClient } from './raw-client.js';

/*
 * A hostile client sends random and mutated frames. Oracle: a frame the protocol accepts (decodes, and
 * its messages carry sequence numbers 1..n, none of them a sync request) leaves the connection open, and
 * the next message (seq n+1) is answered; anything else closes that connection with a logged reason.
 * Meanwhile an honest renderer keeps working and main keeps running.
 */

const MAX_PAYLOAD = 4096;
const limits: DecodeLimits = { ...DEFAULT_LIMITS, maxPayload: MAX_PAYLOAD };
const PROBE_ID = 999_999;

let main: Main;
let server: IpcServer;
let honest: IpcRenderer;
let log: ReturnType<typeof recordingLogger>['log'];

beforeAll(async () => {
  const recording = recordingLogger();
  log = recording.log;
  main = createMain({ logger: recording.logger, limits: { maxPayload: MAX_PAYLOAD } });
  main.ipcMain.handle('probe', () => 'alive');
  server = await createServer({ main, maxPayload: MAX_PAYLOAD });
  honest = createIpcRenderer({ url: server.url });
  await new Promise((resolve) => lifecycleOf(honest).once('connected', resolve));
});

afterAll(async () => {
  disconnect(honest);
  await server.close();
});

/** Sequence numbers the connection expects next, or `undefined` when the frame must close it. */
function acceptedCount(frame: Uint8Array): number | undefined {
  let messages: RendererToMainMessage[];
  try {
    messages = decodeFrame(frame, 'main', limits);
  } catch {
    return undefined;
  }
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    if (message.seq !== i + 1 || message.kind === MessageKind.SendSync) return undefined;
  }
  return messages.length;
}

function probeFrame(seq: number): Uint8Array {
  return encodeFrame([
    encodeMessage({ kind: MessageKind.Invoke, seq, id: PROBE_ID, channel: 'probe', args: [] }),
  ]);
}

function isProbeReply(frame: Uint8Array): boolean {
  try {
    return decodeFrame(frame, 'renderer', DEFAULT_LIMITS).some(
      (message) => message.kind === MessageKind.InvokeReply && message.id === PROBE_ID,
    );
  } catch {
    return false;
  }
}

async function attack(frame: Uint8Array): Promise<void> {
  const expected = acceptedCount(frame);
  const created = new Promise<number>((resolve) => server.once('web-contents-created', (c) => resolve(c.id)));
  const client = await rawClient(server);
  const id = await created;
  await client.nextFrame(); // hello
  client.socket.send(frame);
  if (expected === undefined) {
    const { code } = await client.closed;
    expect([1008, 1009]).toContain(code);
    const logged = log.error.some(
      (entry) =>
        entry.message.startsWith(`ipc-anywhere: closing WebContents #${id}: [`) &&
        entry.fields.webContentsId === id &&
        String(entry.fields.code).startsWith('ERR_IPC_'),
    );
    expect(logged).toBe(true);
    return;
  }
  client.socket.send(probeFrame(expected + 1));
  const answered = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 2_000);
    const check = (data: Buffer) => {
      if (!isProbeReply(new Uint8Array(data))) return;
      clearTimeout(timer);
      resolve(true);
    };
    for (const seen of client.frames) if (isProbeReply(seen)) resolve(true);
    client.socket.on('message', check);
    client.closed.then(() => resolve(false));
  });
  expect(answered).toBe(true);
  client.socket.terminate();
}

const value = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.uint8Array({ maxLength: 16 }),
  fc.array(fc.integer(), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

/** Honest-looking frames: messages a renderer could send, with sequence numbers 1..n. */
const validFrame = fc
  .array(
    fc.oneof(
      fc.record({
        kind: fc.constant(MessageKind.Send),
        channel: fc.string({ maxLength: 12 }),
        args: fc.array(value, { maxLength: 3 }),
      }),
      fc.record({
        kind: fc.constant(MessageKind.Invoke),
        id: fc.integer({ min: 1, max: 1000 }),
        channel: fc.string({ maxLength: 12 }),
        args: fc.array(value, { maxLength: 3 }),
      }),
      fc.record({
        kind: fc.constant(MessageKind.SendToHost),
        channel: fc.string({ maxLength: 12 }),
        args: fc.array(value, { maxLength: 2 }),
      }),
      fc.record({
        kind: fc.constantFrom(MessageKind.GuestRegister, MessageKind.GuestRelease),
        token: fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      }),
      fc.record({
        kind: fc.constant(MessageKind.SendSync),
        id: fc.integer({ min: 1, max: 1000 }),
        channel: fc.string({ maxLength: 12 }),
        args: fc.array(value, { maxLength: 2 }),
      }),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((messages) =>
    encodeFrame(
      messages.map((message, i) => encodeMessage({ ...message, seq: i + 1 } as RendererToMainMessage)),
    ),
  );

/** A valid frame with a few bytes flipped, dropped, or inserted. */
const mutatedFrame = fc
  .tuple(
    validFrame,
    fc.array(
      fc.tuple(
        fc.constantFrom('flip', 'drop', 'insert', 'truncate'),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
      ),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([frame, mutations]) => {
    let bytes = Array.from(frame);
    for (const [kind, at, byte] of mutations) {
      const i = bytes.length === 0 ? 0 : at % bytes.length;
      if (kind === 'flip') bytes[i] = byte;
      else if (kind === 'drop') bytes.splice(i, 1);
      else if (kind === 'insert') bytes.splice(i, 0, byte);
      else bytes = bytes.slice(0, Math.max(1, i));
    }
    return new Uint8Array(bytes.length > 0 ? bytes : [0]);
  });

describe('hostile WebSocket client', () => {
  it('random frames close that connection with a logged reason (unless they happen to be valid)', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 64 }), attack), {
      numRuns: 100,
    });
    expect(await honest.invoke('probe')).toBe('alive');
  });

  it('well-formed frames are accepted unless they carry a sync request outside the sync path', async () => {
    await fc.assert(fc.asyncProperty(validFrame, attack), { numRuns: 50 });
  });

  it('mutated frames close that connection with a logged reason (unless still valid)', async () => {
    await fc.assert(fc.asyncProperty(mutatedFrame, attack), { numRuns: 150 });
    expect(await honest.invoke('probe')).toBe('alive');
  });

  it('forged sequence numbers and sync requests on the socket close the connection', async () => {
    const forged = [
      encodeFrame([encodeMessage({ kind: MessageKind.Send, seq: 2, channel: 'skip', args: [] })]),
      encodeFrame([encodeMessage({ kind: MessageKind.Send, seq: 0, channel: 'zero', args: [] })]),
      encodeFrame([encodeMessage({ kind: MessageKind.SendSync, seq: 1, id: 1, channel: 'sync', args: [] })]),
      encodeFrame([
        encodeMessage({
          kind: MessageKind.Hello,
          seq: 1,
          protocolVersion: 1,
          webContentsId: 1,
          maxPayload: 1,
          resumeToken: '',
        }),
      ]),
      new Uint8Array(MAX_PAYLOAD * 2),
    ];
    for (const frame of forged) await attack(frame);
    expect(await honest.invoke('probe')).toBe('alive');
    expect(main.webContents.getAllWebContents()).toHaveLength(1);
  });
});
