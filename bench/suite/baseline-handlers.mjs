// What main does in every scenario, hand-written for the baselines (raw `ws`, a page's WebSocket,
// socket.io) exactly as an application without ipc-anywhere would: one JSON text frame per message,
// `[name, ...]`; requests carry an id and get `[id, result]` back. Binary frames are counted.

/** Per-connection receiver of the raw JSON protocol; `reply(text)` sends a text frame back. */
export function rawReceiver(reply) {
  let counted = 0;
  let waiting; // [n, id] of a 'finish' that came early (cannot happen in order; kept for safety)
  const tick = () => {
    counted++;
    if (waiting && counted >= waiting[0]) {
      reply(JSON.stringify([waiting[1], counted]));
      waiting = undefined;
    }
  };
  return (data, isBinary) => {
    if (isBinary) {
      tick();
      return;
    }
    const message = JSON.parse(data);
    switch (message[0]) {
      case 'm':
        tick();
        return;
      case 'rt':
        reply(JSON.stringify([message[1], [message[2], message[3]]]));
        return;
      case 'big':
        reply(JSON.stringify([message[1], message[2]]));
        return;
      case 'begin':
        counted = 0;
        reply(JSON.stringify([message[1], true]));
        return;
      case 'finish':
        if (counted >= message[2]) reply(JSON.stringify([message[1], counted]));
        else waiting = [message[2], message[1]];
        return;
      default:
        throw new Error(`unknown message ${message[0]}`);
    }
  };
}

/** Client side of the raw protocol over anything with `send(text)`: call `receive(text)` for replies. */
export function rawCaller(sendText) {
  const pending = new Map();
  let nextId = 0;
  return {
    call(name, ...args) {
      const id = ++nextId;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        sendText(JSON.stringify([name, id, ...args]));
      });
    },
    receive(text) {
      const [id, value] = JSON.parse(text);
      const resolve = pending.get(id);
      pending.delete(id);
      resolve(value);
    },
  };
}

/**
 * Client side of the raw protocol over a MessagePort (structured clone, no JSON): `[name, id, ...args]`
 * out, `[id, value]` back.
 */
export function portCaller(port) {
  const pending = new Map();
  let nextId = 0;
  port.on('message', ([id, value]) => {
    const resolve = pending.get(id);
    pending.delete(id);
    resolve(value);
  });
  return (name, ...args) => {
    const id = ++nextId;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      port.postMessage([name, id, ...args]);
    });
  };
}

/** socket.io server-side handlers for one socket. */
export function socketIoHandlers(socket) {
  let counted = 0;
  socket.on('m', () => {
    counted++;
  });
  socket.on('begin', (ack) => {
    counted = 0;
    ack(true);
  });
  socket.on('finish', (_n, ack) => ack(counted));
  socket.on('rt', (i, text, ack) => ack([i, text]));
}

/**
 * ipc-anywhere main-side handlers (the same work as the baselines). `MessageChannelMain`, when given,
 * serves port streams: a page's 'bench-port' request gets a port whose messages count like 'm'.
 */
export function ipcAnywhereHandlers(ipcMain, MessageChannelMain) {
  let counted = 0;
  let waiting;
  const tick = () => {
    counted++;
    if (waiting && counted >= waiting.n) {
      waiting.resolve(counted);
      waiting = undefined;
    }
  };
  ipcMain.on('m', tick);
  ipcMain.on('bin', tick);
  // A page's port stream (Electron's pattern: main creates the channel and hands the page one end).
  ipcMain.on('bench-port', (event) => {
    const { port1, port2 } = new MessageChannelMain();
    port1.on('message', tick);
    port1.start();
    event.sender.postMessage('bench-port', null, [port2]);
  });
  ipcMain.handle('begin', () => {
    counted = 0;
    return true;
  });
  ipcMain.handle('finish', (_event, n) =>
    counted >= n ? counted : new Promise((resolve) => (waiting = { n, resolve })),
  );
  ipcMain.handle('rt', (_event, i, text) => [i, text]);
  ipcMain.handle('big', (_event, value) => value);
  ipcMain.on('sync', (event, i, text) => {
    event.returnValue = [i, text];
  });
}
