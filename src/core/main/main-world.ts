import { encode } from '../../protocol/codec/index.js';
import { IpcErrorCode } from '../../protocol/errors.js';
import { checkedLimits, type DecodeLimits, MAIN_DEFAULT_LIMITS } from '../../protocol/limits.js';
import {
  checkByteCount,
  checkFunction,
  checkInterval,
  checkLogger,
  checkLogLevel,
  checkOptionNames,
  checkOptionsObject,
} from '../../protocol/options.js';
import type { MainTransport } from '../../transports/transport.js';
import { assertMainChannel } from '../shared/channel.js';
import { checkDeadline } from '../shared/deadline.js';
import { type Cluster, checkCluster } from './cluster-link.js';
import { ClusterView, describeRenderer, type RelayTarget } from './cluster-remotes.js';
import { type GuestClaim, GuestRegistry } from './guest-registry.js';
import { InternedStrings } from './interned-strings.js';
import { LevelledLogger, LOG_LEVELS, type Logger, type LogLevel } from './logger.js';
import { MainSession, type SessionWorld } from './main-session.js';
import { MainTraffic } from './main-traffic.js';
import { IpcMain, setLoggerOfIpcMain, WebContents, type WebContentsType } from './web-contents-impl.js';

export interface MainWorldOptions {
  /**
   * Where handler errors, sync warnings, refusals and closed connections are reported, as
   * `logger.error(fields, message)` (pino and bunyan loggers as they are; docs/api.md#logging).
   * Default: `console`, which prints the message, then the error.
   */
  logger?: Logger;
  /** The least severe lines that reach `logger`: `'silent'`, `'error'`, `'warn'`, `'info'` or `'debug'`. Default `'warn'`. */
  logLevel?: LogLevel;
  /**
   * Hostile-input limits for everything renderers send (`maxPayload` is also announced to them).
   * Default: 16 MiB messages, depth 256, 2^20 allocation units per frame (docs/security.md).
   */
  limits?: Partial<DecodeLimits>;
  /**
   * How long main waits for a sync listener that never sets `event.returnValue` before the renderer gets
   * `{ error: 'reply was never sent' }` (a dropped event is also noticed when it is garbage-collected).
   * Default 30 000 ms.
   */
  syncReplyTimeout?: number;
  /**
   * Whether `sender` may reach `target` with `ipcRenderer.sendTo`. Default: any renderer may reach any
   * other, as in Electron (which removed `sendTo` in v28). A web app whose pages belong to different
   * users should restrict it (or refuse it: `() => false`); a refused message is dropped and logged.
   */
  allowSendTo?: (sender: WebContents, target: WebContents) => boolean;
  /**
   * How long (ms) main keeps the session of a renderer whose connection dropped, waiting for it to
   * reconnect and resume (WebSocket renderers; see docs/resume.md). Meanwhile its WebContents lives on
   * and what main sends it is kept for replay. `0`: a dropped connection ends the session at once.
   * Default 30 000.
   */
  resumeGracePeriod?: number;
  /**
   * The most a resumable session keeps of what its renderer has not acknowledged yet (at least twice
   * the largest message it accepts); more ends the session with `ERR_IPC_REPLAY_OVERFLOW`.
   * Default 32 MiB.
   */
  maxReplayBytes?: number;
  /**
   * Joins this main to other main processes (one per core or machine) behind one URL, e.g.
   * `redisCluster({ url })` from `ipc-anywhere/redis`: WebContents ids become unique across them,
   * `getAllWebContents()` and `fromId()` see every process's renderers (remote ones as proxies), and
   * `sendTo` reaches them (docs/scale-out.md). Default: this process alone.
   */
  cluster?: Cluster;
}

/** The options {@link MainWorld} reads (any other name is refused: it would be a typo). */
const MAIN_OPTION_NAMES = [
  'logger',
  'logLevel',
  'limits',
  'syncReplyTimeout',
  'allowSendTo',
  'resumeGracePeriod',
  'maxReplayBytes',
  'cluster',
] as const;

export const DEFAULT_RESUME_GRACE_PERIOD_MS = 30_000;
export const DEFAULT_MAX_REPLAY_BYTES = 32 * 1024 * 1024;

/** Who a new renderer is; filled in by the transport from what it verified. */
export interface RendererInfo {
  readonly type: WebContentsType;
  readonly url: string;
  readonly origin: string;
  readonly processId?: number;
  readonly hostWebContents?: WebContents | null;
  /**
   * A `<webview>` guest that presented a host's token (see {@link GuestRegistry.claim}): it becomes a
   * `'webview'` whose `hostWebContents` is that host, and the host learns its id.
   */
  readonly guest?: GuestClaim;
}

/** Registry of live WebContents, shaped like Electron's `webContents` module. */
export interface WebContentsModule {
  getAllWebContents(): WebContents[];
  fromId(id: number): WebContents | undefined;
}

/**
 * One isolated main process: its `ipcMain`, its renderers and their ids. The package's singletons are
 * the default world; tests and multi-tenant servers create their own.
 */
export class MainWorld implements SessionWorld {
  readonly ipcMain = new IpcMain();
  readonly logger: LevelledLogger;
  readonly limits: DecodeLimits;
  readonly syncReplyTimeout: number;
  readonly allowSendTo: ((sender: WebContents, target: WebContents) => boolean) | undefined;
  readonly resumeGracePeriod: number;
  readonly maxReplayBytes: number;
  readonly webContents: WebContentsModule;
  /** `main.onTraffic`'s listeners; sessions report to it while it has any. */
  readonly traffic: MainTraffic;
  /** Which host page may receive which `<webview>` guest. */
  readonly guests = new GuestRegistry((host, token, guestId) =>
    this.sessionFor(host.id)?.sendGuestState(token, guestId),
  );
  /** Connected renderers by WebContents id; a session leaves when its renderer is destroyed. */
  readonly #sessions = new Map<number, MainSession>();
  /** Renderers' URLs and origins, one copy of each (see {@link InternedStrings}). */
  readonly #interned = new InternedStrings();
  #nextId = 1;
  readonly #cluster: Cluster | undefined;
  /** Other processes' renderers, when this world is part of a cluster. */
  readonly #remotes: ClusterView | undefined;

  /** @throws IpcError `ERR_IPC_INVALID_ARGUMENT` naming the option (see {@link MainWorldOptions}). */
  constructor(options: MainWorldOptions = {}) {
    checkOptionsObject('createMain', options);
    checkOptionNames('createMain', options, MAIN_OPTION_NAMES);
    checkLogger('logger', options.logger);
    checkLogLevel('logLevel', options.logLevel, LOG_LEVELS);
    checkDeadline('syncReplyTimeout', options.syncReplyTimeout);
    checkFunction('allowSendTo', options.allowSendTo, '(sender, target) => boolean');
    checkInterval('resumeGracePeriod', options.resumeGracePeriod, 'no resume');
    checkByteCount('maxReplayBytes', options.maxReplayBytes, { min: 1 });
    checkCluster('cluster', options.cluster);
    this.logger = new LevelledLogger(options.logger, options.logLevel);
    this.traffic = new MainTraffic(this.logger);
    this.limits = checkedLimits(options.limits, MAIN_DEFAULT_LIMITS);
    this.syncReplyTimeout = options.syncReplyTimeout ?? 30_000;
    this.allowSendTo = options.allowSendTo;
    this.resumeGracePeriod = options.resumeGracePeriod ?? DEFAULT_RESUME_GRACE_PERIOD_MS;
    this.maxReplayBytes = options.maxReplayBytes ?? DEFAULT_MAX_REPLAY_BYTES;
    setLoggerOfIpcMain(this.ipcMain, this.logger);
    const sessions = this.#sessions;
    const local = (): WebContents[] => Array.from(sessions.values(), (session) => session.webContents);
    this.webContents = {
      getAllWebContents: local,
      fromId: (id: number) => sessions.get(id)?.webContents,
    };
    const cluster = options.cluster;
    if (cluster === undefined) return;
    const remotes = new ClusterView(cluster, this.logger, {
      sessionFor: (id) => sessions.get(id),
      localContents: local,
    });
    this.#cluster = cluster;
    this.#remotes = remotes;
    this.webContents = {
      getAllWebContents: () => remotes.appendAll(local()),
      fromId: (id: number) => sessions.get(id)?.webContents ?? remotes.get(id),
    };
    cluster.attach(remotes);
  }

  /** Connects a renderer: creates its WebContents, says hello, and starts dispatching its messages. */
  addRenderer(transport: MainTransport, info: RendererInfo): WebContents {
    const id = this.#cluster ? this.#cluster.allocateId() : this.#nextId++;
    const session = new MainSession(this, transport);
    const contents = new WebContents(
      {
        id,
        type: info.guest ? 'webview' : info.type,
        url: this.#interned.intern(info.url),
        origin: this.#interned.intern(info.origin),
        processId: info.processId ?? id,
        hostWebContents: info.guest?.host ?? info.hostWebContents ?? null,
        logger: this.logger,
      },
      session,
    );
    this.#sessions.set(id, session);
    // Announced before the session starts: a renderer that is closed at once then leaves after it joined.
    this.#cluster?.announceJoin(describeRenderer(contents));
    this.logger.info(
      { webContentsId: id, type: contents.getType(), url: info.url, origin: info.origin },
      `ipc-anywhere: WebContents #${id} connected (${contents.getType()}, ${info.url}).`,
    );
    // A guest is attached before its first message is dispatched: its host must know its id by then.
    const attached = info.guest ? this.guests.attach(info.guest, contents) : false;
    session.start(contents);
    if (info.guest && !attached) {
      this.logger.warn(
        { code: IpcErrorCode.Closed, webContentsId: id },
        `ipc-anywhere: closing <webview> guest #${id}: its host or frame went away.`,
      );
      contents.close();
    } else if (attached) {
      info.guest!.host.emit('did-attach-webview', {}, contents);
    }
    return contents;
  }

  /** The session of a connected renderer: how main reaches another renderer (relays, `<webview>` news). */
  sessionFor(id: number): MainSession | undefined {
    return this.#sessions.get(id);
  }

  /** Where a renderer's `sendTo(id)` goes: a renderer of this process, or of another one in the cluster. */
  sendToTarget(id: number): RelayTarget | undefined {
    return this.#sessions.get(id) ?? this.#remotes?.relayTarget(id);
  }

  /** Called by a session whose renderer is gone, before its `'destroyed'` event. */
  removeSession(session: MainSession): void {
    const id = session.webContents.id;
    if (this.#sessions.get(id) !== session) return;
    this.#sessions.delete(id);
    this.#cluster?.announceLeave(id);
    this.logger.info({ webContentsId: id }, `ipc-anywhere: WebContents #${id} is gone.`);
  }

  /**
   * `main.broadcast`: sends to every renderer, this process's with the arguments encoded once (a
   * `send` loop encodes them once per renderer), other processes' through the cluster. Returns how
   * many renderers it went to. Throws what `webContents.send` throws, before anything is sent.
   */
  broadcast(channel: string, args: unknown[]): number {
    assertMainChannel(channel);
    const local = [...this.#sessions.values()];
    const encodedArgs = local.length > 1 ? encode(args) : undefined;
    let sent = 0;
    for (const session of local) {
      if (session.destroyed) continue;
      session.sendChannelMessage(channel, args, 0, encodedArgs);
      sent++;
    }
    if (this.#remotes) {
      for (const contents of this.#remotes.appendAll([])) {
        if (contents.isDestroyed()) continue;
        contents.send(channel, ...args);
        sent++;
      }
    }
    return sent;
  }

  /** Disconnects every renderer. */
  closeAll(): void {
    for (const session of [...this.#sessions.values()]) session.close();
  }
}
