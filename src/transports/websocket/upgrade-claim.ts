import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/*
 * Every 'upgrade' listener of a Node http server sees every upgrade request, and listeners cannot stop
 * one another. A ws `WebSocketServer({ server, path: '/other' })` answers every upgrade for another
 * path with `400 Bad Request` and ends the socket (ws's `shouldHandle` / `abortHandshake`), before or
 * after ipc-anywhere took it; a `WebSocketServer({ server })` without `path` takes it a second time.
 * Either way the page sees its socket close with code 1006 and main logs nothing. So upgrades for
 * ipc-anywhere's own path are claimed where the server emits them: they reach ipc-anywhere alone, and
 * every other upgrade goes to the listeners as before.
 */

/** Takes an upgrade when it is ipc-anywhere's (returns true), or leaves the socket untouched (false). */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

type Emit = HttpServer['emit'];
type AnyEmit = (this: HttpServer, event: string | symbol, ...args: unknown[]) => boolean;

/**
 * Routes `server`'s `'upgrade'` events that `handler` takes to it alone (its return value says whether
 * it took one). Returns a function that stops the claim; the server's `emit` is restored when nothing
 * has wrapped it since (otherwise the claim only stands aside).
 */
export function claimUpgrades(server: HttpServer, handler: UpgradeHandler): () => void {
  const hadOwnEmit = Object.hasOwn(server, 'emit');
  const original = server.emit as AnyEmit;
  let active = true;
  const claiming: AnyEmit = function (event, ...args) {
    if (
      active &&
      event === 'upgrade' &&
      handler(args[0] as IncomingMessage, args[1] as Duplex, args[2] as Buffer)
    ) {
      return true;
    }
    return original.call(this, event, ...args);
  };
  server.emit = claiming as Emit;
  return () => {
    active = false;
    if (server.emit !== (claiming as Emit)) return;
    if (hadOwnEmit) server.emit = original as Emit;
    else delete (server as { emit?: Emit }).emit;
  };
}

/**
 * True when someone already answered or closed an upgrade socket: the request came through a listener
 * after another one that took or refused it (the claim was bypassed, e.g. `emit` was replaced).
 */
export function alreadyAnswered(socket: Duplex): boolean {
  return socket.destroyed || socket.writableEnded;
}
