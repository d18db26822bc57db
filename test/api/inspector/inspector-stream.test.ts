import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InspectorModel } from '../../../src/api/inspector/inspector-model.js';
import {
  InspectorStream,
  MAX_VIEWER_BACKLOG,
  MAX_VIEWERS,
} from '../../../src/api/inspector/inspector-stream.js';
import { addRenderer, createMain } from '../../../src/api/main-context.js';
import { attachTransport, IpcRenderer } from '../../../src/core/renderer/ipc-renderer-impl.js';
import { createMemoryLink } from '../../../src/transports/memory/memory-transport.js';

/** A response whose socket takes writes until `accept` says no, as a slow network would. */
class FakeResponse extends EventEmitter {
  status = 0;
  chunks: string[] = [];
  writableLength = 0;
  destroyed = false;
  writableEnded = false;
  accept = true;
  writeHead(status: number) {
    this.status = status;
    return this;
  }
  write(chunk: string) {
    this.chunks.push(chunk);
    if (!this.accept) this.writableLength += chunk.length;
    return this.accept;
  }
  end(text?: string) {
    if (text) this.chunks.push(text);
    this.writableEnded = true;
    return this;
  }
  /** The socket took everything. */
  drain() {
    this.writableLength = 0;
    this.accept = true;
    this.emit('drain');
  }
  events(name: string): string[] {
    return this.chunks.filter((chunk) => chunk.includes(`event: ${name}\n`));
  }
}

function setup() {
  vi.useFakeTimers();
  const main = createMain({ logger: { warn: vi.fn(), error: vi.fn() } });
  const model = new InspectorModel(main);
  const stream = new InspectorStream(model, { warn: vi.fn(), error: vi.fn() });
  const link = createMemoryLink();
  const ipcRenderer = new IpcRenderer();
  addRenderer(main, link.main, { type: 'window', url: 'memory://p/', origin: 'memory://p' });
  attachTransport(ipcRenderer, link.renderer);
  const open = () => {
    const res = new FakeResponse();
    stream.open(new EventEmitter() as IncomingMessage, res as unknown as ServerResponse);
    return res;
  };
  /** Sends `count` messages and lets them cross (the memory link flushes on a microtask). */
  const traffic = async (count: number, size = 10) => {
    for (let i = 0; i < count; i++) ipcRenderer.send('load', 'x'.repeat(size));
    await vi.advanceTimersByTimeAsync(0);
  };
  return { stream, model, open, traffic };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('InspectorStream (the Server-Sent Events feed)', () => {
  it('greets with a snapshot and the timeline, then sends new entries and counters', async () => {
    const { open, traffic } = setup();
    await traffic(2);
    const res = open();
    expect(res.status).toBe(200);
    const hello = JSON.parse(res.events('hello')[0]!.split('data: ')[1]!);
    expect(hello.entries).toHaveLength(2);
    expect(hello.snapshot.renderers).toHaveLength(1);
    await traffic(3);
    await vi.advanceTimersByTimeAsync(250);
    const records = JSON.parse(res.events('records')[0]!.split('data: ')[1]!);
    expect(records.entries.map((e: { n: number }) => e.n)).toEqual([3, 4, 5]);
    expect(records.lost).toBe(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(res.events('stats').length).toBeGreaterThanOrEqual(1);
  });

  it('skips a viewer whose socket is full and tells it how many entries it missed', async () => {
    const { open, traffic } = setup();
    const slow = open();
    const fast = open();
    slow.accept = false;
    await traffic(1);
    await vi.advanceTimersByTimeAsync(250); // the write the socket did not take
    const written = slow.chunks.length;
    await traffic(40);
    await vi.advanceTimersByTimeAsync(2000);
    expect(slow.chunks.length).toBe(written);
    expect(fast.events('records').length).toBeGreaterThanOrEqual(2);
    slow.drain();
    await traffic(1);
    await vi.advanceTimersByTimeAsync(250);
    expect(slow.events('skipped')).toEqual(['event: skipped\ndata: 40\n\n']);
    expect(slow.events('records').length).toBe(2);
  });

  it('never lets a viewer backlog grow past MAX_VIEWER_BACKLOG and a chunk', async () => {
    const { open, traffic } = setup();
    const res = open();
    res.accept = true;
    // The socket "takes" writes but never sends them: its backlog grows until the stream stops writing.
    res.write = function (chunk: string) {
      this.chunks.push(chunk);
      this.writableLength += chunk.length;
      return true;
    };
    for (let round = 0; round < 40; round++) {
      await traffic(200, 2000);
      await vi.advanceTimersByTimeAsync(250);
    }
    const largestChunk = Math.max(...res.chunks.map((chunk) => chunk.length));
    expect(res.writableLength).toBeLessThanOrEqual(MAX_VIEWER_BACKLOG + largestChunk);
    expect(res.writableLength).toBeGreaterThan(MAX_VIEWER_BACKLOG);
  });

  it('answers 503 past MAX_VIEWERS, and frees a place when a viewer leaves', () => {
    const { open } = setup();
    const viewers = Array.from({ length: MAX_VIEWERS }, open);
    expect(viewers.every((res) => res.status === 200)).toBe(true);
    expect(open().status).toBe(503);
    viewers[0]!.emit('close');
    expect(open().status).toBe(200);
  });

  it('stops its timer when the last viewer leaves, and ends every feed on close', async () => {
    const { open, stream } = setup();
    const res = open();
    res.emit('close');
    await vi.advanceTimersByTimeAsync(300);
    expect(vi.getTimerCount()).toBe(0);
    const other = open();
    stream.close();
    expect(other.writableEnded).toBe(true);
    expect(stream.viewers).toBe(0);
  });
});
