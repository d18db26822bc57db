import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClusterRenderer } from '../../src/core/main/cluster-link.js';
import { encode } from '../../src/protocol/codec/index.js';
import { IpcErrorCode, isIpcError } from '../../src/protocol/errors.js';
import { DEFAULT_LIMITS } from '../../src/protocol/limits.js';
import {
  type BatchVisitor,
  BatchWriter,
  RecordKind,
  readBatch,
  WIRE_VERSION,
} from '../../src/redis/cluster-wire.js';

// CI's FC_RUNS (10^4) would spend a minute on batches of JSON values; a thousand cover the format.
const runs = Math.min(Number(process.env.FC_RUNS ?? 200), 1_000);

/** Every record read from a batch, as `[kind, ...fields]`. */
function readAll(bytes: Uint8Array): { from: string; records: unknown[][] } {
  const records: unknown[][] = [];
  let from = '';
  const visitor: BatchVisitor = {
    send: (...fields) => records.push(['send', ...fields]),
    close: (...fields) => records.push(['close', ...fields]),
    snapshot: (...fields) => records.push(['snapshot', ...fields]),
    sync: () => records.push(['sync']),
    hello: (...fields) => records.push(['hello', ...fields]),
    heartbeat: (...fields) => records.push(['heartbeat', ...fields]),
    join: (...fields) => records.push(['join', ...fields]),
    leave: (...fields) => records.push(['leave', ...fields]),
    bye: () => records.push(['bye']),
    call: (...fields) => records.push(['call', ...fields]),
    result: (...fields) => records.push(['result', ...fields]),
  };
  readBatch(bytes, (node) => {
    from = node;
    return visitor;
  });
  return { from, records };
}

const renderer: ClusterRenderer = {
  id: 7,
  type: 'window',
  url: 'https://app.test/x',
  origin: 'https://app.test',
  processId: 7,
};

describe('cluster batches (src/redis/cluster-wire.ts)', () => {
  it('pins the bytes of a batch: version, sender, then records', () => {
    const writer = new BatchWriter('n1');
    writer.send(5, 0, 'ch', [1]);
    writer.heartbeat(3);
    const bytes = writer.take()!;
    const args = encode([1]);
    const hex = Buffer.from(bytes).toString('hex');
    // 01 version; 08 'n1' (length 2 << 2, Latin-1); 01 Send, 05 target, 00 sender, 08 'ch'; args; 06 Heartbeat 03.
    expect(hex).toBe(`01086e31${'01'}0500086368${Buffer.from(args).toString('hex')}0603`);
    expect(WIRE_VERSION).toBe(1);
    expect(RecordKind).toEqual({
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
    });
  });

  it('reads back every kind of record in order', () => {
    const writer = new BatchWriter('node-x');
    writer.send(12, 3, 'a', [new Map([[1, 2n]]), 'x']);
    writer.close(4);
    writer.snapshot(9, [renderer]);
    writer.sync();
    writer.hello(2, []);
    writer.heartbeat(9);
    writer.join(10, { ...renderer, id: 8, type: 'worker' });
    writer.leave(11, 8);
    writer.bye();
    writer.call(3, 12, '1 + 1', true);
    writer.result(3, false, new RangeError('no'), 'ERR_IPC_CLOSED');
    expect(writer.count).toBe(11);
    const { from, records } = readAll(writer.take()!);
    expect(from).toBe('node-x');
    expect(records).toEqual([
      ['send', 12, 3, 'a', [new Map([[1, 2n]]), 'x']],
      ['close', 4],
      ['snapshot', 9, [renderer]],
      ['sync'],
      ['hello', 2, []],
      ['heartbeat', 9],
      ['join', 10, { ...renderer, id: 8, type: 'worker' }],
      ['leave', 11, 8],
      ['bye'],
      ['call', 3, 12, '1 + 1', true],
      ['result', 3, false, new RangeError('no'), 'ERR_IPC_CLOSED'],
    ]);
    expect(writer.take()).toBeUndefined();
  });

  it('leaves a batch as it was when a value cannot be cloned', () => {
    const writer = new BatchWriter('n');
    writer.send(1, 0, 'ok', [1]);
    expect(() => writer.send(1, 0, 'bad', [() => {}])).toThrow(
      expect.objectContaining({ code: IpcErrorCode.NotCloneable }),
    );
    writer.send(1, 0, 'ok', [2]);
    expect(readAll(writer.take()!).records).toEqual([
      ['send', 1, 0, 'ok', [1]],
      ['send', 1, 0, 'ok', [2]],
    ]);
  });

  it('round-trips any sequence of sends (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.array(
          fc.tuple(
            fc.integer({ min: 1, max: 2 ** 53 - 1 }),
            fc.nat(),
            fc.string(),
            fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 4 }),
          ),
          { minLength: 1, maxLength: 20 },
        ),
        (node, sends) => {
          const writer = new BatchWriter(node);
          for (const [target, sender, channel, args] of sends) writer.send(target, sender, channel, args);
          const { from, records } = readAll(writer.take()!);
          expect(from).toBe(node);
          expect(records).toEqual(sends.map((fields) => ['send', ...fields]));
        },
      ),
      { numRuns: runs },
    );
  });

  it('skips a batch whose sender the reader declines (its own, on the shared channel)', () => {
    const writer = new BatchWriter('me');
    writer.bye();
    writer.send(1, 0, 'x', [1]);
    const asked: string[] = [];
    readBatch(writer.take()!, (node) => {
      asked.push(node);
      return undefined;
    });
    expect(asked).toEqual(['me']);
  });

  it('refuses bytes that are no batch with a coded error, never anything else (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          readAll(bytes);
        } catch (error) {
          expect(isIpcError(error), String(error)).toBe(true);
          expect([IpcErrorCode.Decode, IpcErrorCode.LimitExceeded]).toContain(
            (error as { code: string }).code,
          );
        }
      }),
      { numRuns: runs * 5 },
    );
    expect(() => readAll(new Uint8Array([2, 0]))).toThrow(/version 2/);
    expect(() => readAll(new Uint8Array([1, 0, 99]))).toThrow(/kind 99/);
    // A snapshot that claims more renderers than its bytes could hold.
    expect(() => readAll(new Uint8Array([1, 0, RecordKind.Snapshot, 1, 100]))).toThrow(/cannot fit/);
    const writer = new BatchWriter('n');
    writer.send(1, 0, 'big', ['x'.repeat(2_000)]);
    expect(() =>
      readBatch(writer.take()!, () => undefined, { ...DEFAULT_LIMITS, maxPayload: 1_024 }),
    ).toThrow(expect.objectContaining({ code: IpcErrorCode.LimitExceeded }));
  });
});
