import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createMain, createServer } from '../../../src/main.js';
import { createIpcRenderer } from '../../../src/renderer.node.js';
import { WS_PATH } from '../../../src/transports/websocket/wire.js';
import { recordingLogger } from '../../conformance/harness.js';

describe('a client that resets while it is being refused', () => {
  it('does not crash main, and the server keeps serving', async () => {
    const { logger } = recordingLogger();
    const main = createMain({ logger });
    main.ipcMain.handle('ping', () => 'pong');
    const server = await createServer({ main });
    const { port } = new URL(server.url);
    for (let i = 0; i < 20; i++) {
      await new Promise<void>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(
            `GET ${WS_PATH} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://evil.example\r\n` +
              'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
              'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
          );
          socket.resetAndDestroy();
          resolve();
        });
        socket.on('error', () => {});
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const renderer = createIpcRenderer({ url: server.url });
    expect(await renderer.invoke('ping')).toBe('pong');
    await server.close();
  });
});
