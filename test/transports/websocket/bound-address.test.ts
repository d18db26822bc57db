import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { followAddress } from '../../../src/transports/websocket/bound-address.js';

const listen = (server: ReturnType<typeof createServer>): Promise<void> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const close = (server: ReturnType<typeof createServer>): Promise<void> =>
  new Promise((resolve) => server.close(() => resolve()));

describe('followAddress', () => {
  it('gives the address of each listen, and null while the server is closed', async () => {
    const server = createServer();
    const listeners = () => server.listenerCount('listening') + server.listenerCount('close');
    const before = listeners();
    const address = followAddress(server);
    expect(listeners()).toBe(before + 2);
    expect(address.current()).toBeNull();
    await listen(server);
    const first = (address.current() as AddressInfo).port;
    expect(first).toBe((server.address() as AddressInfo).port);
    await close(server);
    expect(address.current()).toBeNull();
    await listen(server);
    expect((address.current() as AddressInfo).port).toBe((server.address() as AddressInfo).port);
    address.stop();
    expect(listeners()).toBe(before);
    await close(server);
  });

  it('reads the address once while the server listens', async () => {
    const server = createServer();
    await listen(server);
    const address = followAddress(server);
    let reads = 0;
    const read = server.address.bind(server);
    server.address = () => {
      reads++;
      return read();
    };
    for (let i = 0; i < 5; i++) address.current();
    expect(reads).toBe(1);
    address.stop();
    await close(server);
  });
});
