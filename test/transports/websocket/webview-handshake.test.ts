import { afterEach, describe, expect, it } from 'vitest';
import { createMain, createServer, type IpcServer, type WebContents } from '../../../src/main.js';
import { DEFAULT_LIMITS } from '../../../src/protocol/limits.js';
import { decodeFrame, encodeFrame, encodeMessage } from '../../../src/protocol/message-codec.js';
import { type MainToRendererMessage, MessageKind } from '../../../src/protocol/messages.js';
import { createSecretToken } from '../../../src/protocol/secret-token.js';
import {
  createConnectionKey,
  GUEST_PROTOCOL_PREFIX,
  KEY_PROTOCOL_PREFIX,
  NEXT_GUEST_PROTOCOL_PREFIX,
  SUBPROTOCOL,
} from '../../../src/transports/websocket/wire.js';
import { recordingLogger } from '../../conformance/harness.js';
import { type RawClient, rawClient } from './raw-client.js';

/*
 * The guest handshake from a raw client's point of view: `guest.<token>` (and `guest-next.<token>`)
 * beside the connection key. The token decides who the host is; nothing else the client says does.
 */

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function start() {
  const { logger, log } = recordingLogger();
  const main = createMain({ logger });
  const server = await createServer({ main });
  cleanup.push(() => server.close());
  return { main, server, log };
}

function nextContents(server: IpcServer): Promise<WebContents> {
  return new Promise((resolve) => server.once('web-contents-created', resolve));
}

async function decoded(client: RawClient): Promise<MainToRendererMessage[]> {
  return decodeFrame(await client.nextFrame(), 'renderer', DEFAULT_LIMITS);
}

/** A raw host that registered `token`; resolves once main accepted it. */
async function hostWith(server: IpcServer, token: string) {
  const created = nextContents(server);
  const client = await rawClient(server);
  cleanup.push(() => client.socket.terminate());
  const contents = await created;
  await decoded(client); // hello
  client.socket.send(encodeFrame([encodeMessage({ kind: MessageKind.GuestRegister, seq: 1, token })]));
  expect(await decoded(client)).toEqual([{ kind: MessageKind.GuestState, seq: 2, token, guestId: 0 }]);
  return { client, contents };
}

function guestProtocols(token: string, successor?: string): string[] {
  const protocols = [SUBPROTOCOL, KEY_PROTOCOL_PREFIX + createConnectionKey(), GUEST_PROTOCOL_PREFIX + token];
  if (successor) protocols.push(NEXT_GUEST_PROTOCOL_PREFIX + successor);
  return protocols;
}

async function guestWith(server: IpcServer, protocols: string[]) {
  const client = await rawClient(server, { protocols, origin: server.url });
  cleanup.push(() => client.socket.terminate());
  return client;
}

describe('<webview> guest handshake', () => {
  it("a guest presenting a host's token becomes that host's 'webview'; the host learns its id", async () => {
    const { server } = await start();
    const token = createSecretToken();
    const host = await hostWith(server, token);
    const created = nextContents(server);
    const guestClient = await guestWith(server, guestProtocols(token, createSecretToken()));
    const guest = await created;
    expect(guest.getType()).toBe('webview');
    expect(guest.hostWebContents).toBe(host.contents);
    expect(guest.mainFrame.origin).toBe(server.url);
    expect(await decoded(host.client)).toEqual([
      { kind: MessageKind.GuestState, seq: 3, token, guestId: guest.id },
    ]);
    expect((await decoded(guestClient))[0]).toMatchObject({
      kind: MessageKind.Hello,
      webContentsId: guest.id,
    });

    // Its sendToHost reaches the host (and only it); the host's webviewSend reaches it.
    guestClient.socket.send(
      encodeFrame([encodeMessage({ kind: MessageKind.SendToHost, seq: 1, channel: 'up', args: [1] })]),
    );
    expect(await decoded(host.client)).toEqual([
      { kind: MessageKind.HostMessage, seq: 4, guestId: guest.id, frameId: 1, channel: 'up', args: [1] },
    ]);
    host.client.socket.send(
      encodeFrame([
        encodeMessage({
          kind: MessageKind.WebviewSend,
          seq: 2,
          guestId: guest.id,
          channel: 'down',
          args: [2],
        }),
      ]),
    );
    expect(await decoded(guestClient)).toEqual([
      { kind: MessageKind.Message, seq: 2, senderId: 0, channel: 'down', args: [2] },
    ]);
  });

  it('refuses a used, unknown or released token with 403 and a logged reason, creating nothing', async () => {
    const { main, server, log } = await start();
    const token = createSecretToken();
    const host = await hostWith(server, token);
    await guestWith(server, guestProtocols(token));
    const count = main.webContents.getAllWebContents().length;
    await expect(rawClient(server, { protocols: guestProtocols(token) })).rejects.toThrow('403');
    await expect(rawClient(server, { protocols: guestProtocols(createSecretToken()) })).rejects.toThrow(
      '403',
    );
    const released = createSecretToken();
    host.client.socket.send(
      encodeFrame([
        encodeMessage({ kind: MessageKind.GuestRegister, seq: 2, token: released }),
        encodeMessage({ kind: MessageKind.GuestRelease, seq: 3, token: released }),
      ]),
    );
    await expect.poll(() => host.client.frames.length).toBeGreaterThanOrEqual(4);
    await expect(rawClient(server, { protocols: guestProtocols(released) })).rejects.toThrow('403');
    expect(main.webContents.getAllWebContents()).toHaveLength(count);
    const refusals = log.warn.map((entry) => entry.message).filter((text) => text.includes('refused'));
    expect(refusals).toEqual([
      `ipc-anywhere: refused a <webview> guest from origin (none): unknown or already used guest token.`,
      `ipc-anywhere: refused a <webview> guest from origin (none): unknown or already used guest token.`,
      `ipc-anywhere: refused a <webview> guest from origin (none): unknown or already used guest token.`,
    ]);
  });

  it('refuses malformed guest offers with 400', async () => {
    const { main, server } = await start();
    const key = () => KEY_PROTOCOL_PREFIX + createConnectionKey();
    const token = GUEST_PROTOCOL_PREFIX + createSecretToken();
    const offers = [
      [SUBPROTOCOL, key(), `${GUEST_PROTOCOL_PREFIX}short`],
      [SUBPROTOCOL, key(), token, GUEST_PROTOCOL_PREFIX + createSecretToken()],
      [SUBPROTOCOL, key(), NEXT_GUEST_PROTOCOL_PREFIX + createSecretToken()],
      [SUBPROTOCOL, key(), token, `${NEXT_GUEST_PROTOCOL_PREFIX}x`],
    ];
    for (const protocols of offers) {
      await expect(rawClient(server, { protocols })).rejects.toThrow('400');
    }
    expect(main.webContents.getAllWebContents()).toHaveLength(0);
  });

  it('releasing the frame, or the host going away, closes the guest', async () => {
    const { server } = await start();
    const [a, b] = [createSecretToken(), createSecretToken()];
    const host = await hostWith(server, a);
    host.client.socket.send(
      encodeFrame([encodeMessage({ kind: MessageKind.GuestRegister, seq: 2, token: b })]),
    );
    await decoded(host.client);
    const createdA = nextContents(server);
    const clientA = await guestWith(server, guestProtocols(a));
    const guestA = await createdA;
    const createdB = nextContents(server);
    const clientB = await guestWith(server, guestProtocols(b));
    const guestB = await createdB;

    host.client.socket.send(
      encodeFrame([encodeMessage({ kind: MessageKind.GuestRelease, seq: 3, token: a })]),
    );
    await clientA.closed;
    expect(guestA.isDestroyed()).toBe(true);
    expect(guestB.isDestroyed()).toBe(false);

    host.client.socket.close();
    await clientB.closed;
    expect(guestB.isDestroyed()).toBe(true);
  });

  it('a token registered by a host that is gone does not attach anything', async () => {
    const { server } = await start();
    const token = createSecretToken();
    const host = await hostWith(server, token);
    const gone = new Promise((resolve) => host.contents.once('destroyed', resolve));
    host.client.socket.close();
    await gone;
    await expect(rawClient(server, { protocols: guestProtocols(token) })).rejects.toThrow('403');
  });
});
