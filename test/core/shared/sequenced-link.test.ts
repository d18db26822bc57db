import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FrameSink } from '../../../src/core/shared/outbox.js';
import { SequencedLink, type Unnumbered } from '../../../src/core/shared/sequenced-link.js';
import { IpcError, IpcErrorCode } from '../../../src/protocol/errors.js';
import { DEFAULT_LIMITS } from '../../../src/protocol/limits.js';
import { decodeFrame, encodeMessageFrame } from '../../../src/protocol/message-codec.js';
import { MessageKind, type RendererToMainMessage } from '../../../src/protocol/messages.js';

/** A renderer's end with its protected parts opened for the test. */
class TestLink extends SequencedLink<'renderer'> {
  readonly frames: Uint8Array[] = [];

  constructor(maxPayload = DEFAULT_LIMITS.maxPayload) {
    super('renderer', DEFAULT_LIMITS);
    const sink: FrameSink = { send: (frame) => this.frames.push(frame) };
    this.setSink(sink);
    this.setPeerMaxPayload(maxPayload);
  }

  protected get peerName(): string {
    return 'main';
  }

  send(message: Unnumbered<RendererToMainMessage>): number {
    return this.enqueue(message);
  }

  alone(message: Unnumbered<RendererToMainMessage>, numbered: boolean): Uint8Array {
    return this.encodeAlone(message, numbered);
  }

  received(seq: number) {
    return this.receive(seq);
  }

  read(frame: Uint8Array) {
    return this.decode(frame);
  }

  sent(): number[] {
    this.flush();
    return this.frames.flatMap((frame) => decodeFrame(frame, 'main', DEFAULT_LIMITS).map((m) => m.seq));
  }
}

const send = (channel: string, ...args: unknown[]) => ({ kind: MessageKind.Send, channel, args }) as const;

describe('SequencedLink', () => {
  it('numbers outgoing messages from 1, the sync path included when it belongs to the stream', () => {
    const link = new TestLink();
    link.send(send('a'));
    link.send(send('b'));
    const request = link.alone({ kind: MessageKind.SendSync, id: 1, channel: 's', args: [] }, true);
    expect(decodeFrame(request, 'main', DEFAULT_LIMITS)[0]!.seq).toBe(3);
    link.send(send('c'));
    expect(link.sent()).toEqual([1, 2, 4]);
  });

  it('refuses a message larger than the peer accepts, queues nothing and does not use its number', () => {
    const link = new TestLink(2000);
    link.send(send('small'));
    expect(() => link.send(send('big', 'x'.repeat(3000)))).toThrow(
      expect.objectContaining({
        code: IpcErrorCode.PayloadTooLarge,
        message: expect.stringMatching(
          /^Message on 'big' is \d+ bytes; main accepts at most 2000 \(its maxPayload\)\.$/,
        ),
      }),
    );
    expect(() =>
      link.alone({ kind: MessageKind.SendSync, id: 1, channel: 's', args: ['x'.repeat(3000)] }, true),
    ).toThrow(expect.objectContaining({ code: IpcErrorCode.PayloadTooLarge }));
    link.send(send('next'));
    expect(link.sent()).toEqual([1, 2]);
  });

  it('accepts incoming numbers in order only: a gap or a repeat is a protocol error', () => {
    const link = new TestLink();
    expect(link.received(1)).toBeUndefined();
    expect(link.received(2)).toBeUndefined();
    expect(link.received(2)).toMatchObject({
      code: IpcErrorCode.Protocol,
      message: 'Expected message 3 from main, received 2.',
    });
    expect(link.received(5)).toMatchObject({ code: IpcErrorCode.Protocol });
    expect(link.received(3)).toBeUndefined();
  });

  it("decodes the peer's frames and keeps the decoder's own error codes", () => {
    const link = new TestLink();
    const frame = encodeMessageFrame({
      kind: MessageKind.Message,
      seq: 1,
      senderId: 0,
      channel: 'c',
      args: [1],
    });
    expect(link.read(frame)).toEqual([
      { kind: MessageKind.Message, seq: 1, senderId: 0, channel: 'c', args: [1] },
    ]);
    // A renderer never accepts what only main accepts.
    const wrongWay = encodeMessageFrame({ kind: MessageKind.Send, seq: 1, channel: 'c', args: [] });
    expect(() => link.read(wrongWay)).toThrow(IpcError);
    expect(() => link.read(new Uint8Array([5, 0xff, 0xff]))).toThrow(IpcError);
  });
});

describe('acknowledgements of a resumable link', () => {
  class AckingLink extends TestLink {
    constructor() {
      super();
      this.enableResume(1 << 20);
    }

    /** Message `seq` arrived in a frame of `bytes`. */
    got(seq: number, bytes: number): void {
      this.received(seq);
      this.countReceived(bytes);
    }

    /** What was sent, message by message: `ack <received>` or `<seq> <channel>`. */
    log(): string[] {
      this.flush();
      return this.frames.flatMap((frame) =>
        decodeFrame(frame, 'main', DEFAULT_LIMITS).map((m) =>
          m.kind === MessageKind.RendererAck
            ? `ack ${m.received}`
            : `${m.seq} ${(m as { channel: string }).channel}`,
        ),
      );
    }
  }

  afterEach(() => {
    vi.useRealTimers();
  });

  it('ride in the next frame sent once half the delay is over, in front of its message', () => {
    vi.useFakeTimers();
    const link = new AckingLink();
    link.got(1, 10);
    link.send(send('early'));
    vi.advanceTimersByTime(101);
    expect(link.log()).toEqual(['1 early']);
    link.send(send('late'));
    expect(link.log()).toEqual(['1 early', 'ack 1', '2 late']);
    // Nothing new arrived: no acknowledgement of its own follows.
    vi.advanceTimersByTime(1000);
    expect(link.log()).toEqual(['1 early', 'ack 1', '2 late']);
  });

  it('go alone after the whole delay when nothing is sent, and at once past 256 KiB received', () => {
    vi.useFakeTimers();
    const link = new AckingLink();
    link.got(1, 10);
    vi.advanceTimersByTime(199);
    expect(link.log()).toEqual([]);
    vi.advanceTimersByTime(2);
    expect(link.log()).toEqual(['ack 1']);
    link.got(2, 256 * 1024);
    expect(link.log()).toEqual(['ack 1', 'ack 2']);
  });
});
