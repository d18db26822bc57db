import { IpcError, IpcErrorCode, isIpcError } from '../../protocol/errors.js';
import type { Cluster, ClusterMember, ClusterRenderer } from './cluster-link.js';
import { codeOf, type Logger } from './logger.js';
import { type RendererLink, WebContents } from './web-contents-impl.js';

/** A flood of drops (Redis is down, a broadcast loop goes on) writes one line per interval, with a count. */
const DROP_LOG_INTERVAL_MS = 5_000;

/** Where a message to a renderer can go: its session here, or its proxy's link to another process. */
export interface RelayTarget {
  readonly webContents: WebContents;
  sendChannelMessage(channel: string, args: unknown[], senderId: number): void;
}

/** What the cluster view needs of the world's own renderers. */
export interface LocalRenderers {
  /** A renderer connected to this process (`undefined` once it is destroyed). */
  sessionFor(id: number): RelayTarget | undefined;
  /** Every renderer connected to this process. */
  localContents(): Iterable<WebContents>;
}

/** What other processes are told about a renderer of this one. */
export function describeRenderer(contents: WebContents): ClusterRenderer {
  return {
    id: contents.id,
    type: contents.getType(),
    url: contents.getURL(),
    origin: contents.mainFrame.origin,
    processId: contents.getProcessId(),
  };
}

/**
 * How a proxy reaches its renderer: through the cluster, to the process that holds it. It is also the
 * relay target a renderer's `sendTo` gets for a renderer of another process.
 */
class RemoteLink implements RendererLink, RelayTarget {
  destroyed = false;
  readonly webContents: WebContents;
  /** Rejects the calls still waiting for this renderer's process (see {@link ClusterView.execute}). */
  pending: Set<(error: IpcError) => void> | undefined;

  constructor(
    readonly node: string,
    renderer: ClusterRenderer,
    private readonly view: ClusterView,
  ) {
    this.webContents = new WebContents(
      {
        id: renderer.id,
        type: renderer.type,
        url: renderer.url,
        origin: renderer.origin,
        processId: renderer.processId,
        logger: view.logger,
      },
      this,
    );
  }

  sendChannelMessage(channel: string, args: unknown[], senderId: number): void {
    if (!this.destroyed) this.view.forward(this, channel, args, senderId);
  }

  /**
   * `webContents.postMessage` to a renderer of another process: the message goes like a `send` of it
   * (the renderer's listeners get `(event, message)` with no ports); ports cannot cross processes.
   */
  postMessage(channel: string, message: unknown, ports: readonly unknown[]): void {
    if (ports.length > 0) {
      throw new IpcError(
        IpcErrorCode.InvalidArgument,
        `postMessage: WebContents #${this.webContents.id} is connected to another main process, and MessagePorts cannot be transferred between processes.`,
      );
    }
    this.sendChannelMessage(channel, [message], 0);
  }

  close(): void {
    if (!this.destroyed) this.view.closeRemote(this);
  }

  executeJavaScript(code: string, userGesture: boolean): Promise<unknown> {
    return this.view.execute(this, code, userGesture);
  }
}

/**
 * One main world's view of the cluster: the proxies of other processes' renderers (kept up to date from
 * what the cluster reports), and the way in for messages to this process's own renderers.
 */
export class ClusterView implements ClusterMember {
  readonly #byId = new Map<number, RemoteLink>();
  readonly #byNode = new Map<string, Map<number, RemoteLink>>();
  #dropped = 0;
  #droppedLoggedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly cluster: Cluster,
    readonly logger: Logger,
    private readonly local: LocalRenderers,
  ) {}

  /** A renderer of another process, by id. */
  get(id: number): WebContents | undefined {
    return this.#byId.get(id)?.webContents;
  }

  /** Where a relayed message to renderer `id` of another process goes. */
  relayTarget(id: number): RelayTarget | undefined {
    return this.#byId.get(id);
  }

  /** Appends every renderer of other processes to `list`. */
  appendAll(list: WebContents[]): WebContents[] {
    for (const link of this.#byId.values()) list.push(link.webContents);
    return list;
  }

  localRenderers(): ClusterRenderer[] {
    return Array.from(this.local.localContents(), describeRenderer);
  }

  deliver(targetId: number, channel: string, args: unknown[], senderId: number): void {
    const target = this.local.sessionFor(targetId);
    if (!target) return;
    try {
      target.sendChannelMessage(channel, args, senderId);
    } catch (error) {
      this.logger.warn(
        { err: error, code: codeOf(error), channel, webContentsId: targetId },
        `ipc-anywhere: a message from another main process could not be delivered to WebContents #${targetId}`,
      );
    }
  }

  closeLocal(id: number): void {
    this.local.sessionFor(id)?.webContents.close();
  }

  executeLocal(id: number, code: string, userGesture: boolean): Promise<unknown> {
    const contents = this.local.sessionFor(id)?.webContents;
    if (!contents)
      return Promise.reject(new IpcError(IpcErrorCode.Closed, `WebContents #${id} is destroyed.`));
    return contents.executeJavaScript(code, userGesture);
  }

  nodeRenderers(node: string, renderers: readonly ClusterRenderer[]): void {
    const present = new Set<number>();
    for (const renderer of renderers) present.add(renderer.id);
    const known = this.#byNode.get(node);
    if (known) for (const [id, link] of [...known]) if (!present.has(id)) this.#destroy(link);
    for (const renderer of renderers) this.rendererJoined(node, renderer);
  }

  rendererJoined(node: string, renderer: ClusterRenderer): void {
    const existing = this.#byId.get(renderer.id);
    if (existing?.node === node) return;
    // Ids are unique in the cluster: another process claiming one means the old holder is gone.
    if (existing) this.#destroy(existing);
    if (this.local.sessionFor(renderer.id)) {
      this.logger.error(
        { code: IpcErrorCode.Protocol, webContentsId: renderer.id },
        `ipc-anywhere: another main process reported WebContents #${renderer.id}, which is connected here; ignored (do two clusters share one Redis prefix?).`,
      );
      return;
    }
    const link = new RemoteLink(node, renderer, this);
    this.#byId.set(renderer.id, link);
    let ofNode = this.#byNode.get(node);
    if (!ofNode) this.#byNode.set(node, (ofNode = new Map()));
    ofNode.set(renderer.id, link);
  }

  rendererLeft(node: string, id: number): void {
    const link = this.#byId.get(id);
    if (link?.node === node) this.#destroy(link);
  }

  nodeGone(node: string): void {
    const known = this.#byNode.get(node);
    if (!known) return;
    for (const link of [...known.values()]) this.#destroy(link);
    this.#byNode.delete(node);
  }

  /** @internal For {@link RemoteLink}: the caller's values throw; a cluster that cannot send drops. */
  forward(link: RemoteLink, channel: string, args: unknown[], senderId: number): void {
    try {
      this.cluster.send(link.node, link.webContents.id, channel, args, senderId);
    } catch (error) {
      if (!isIpcError(error, IpcErrorCode.ClusterUnavailable)) throw error;
      this.#dropped++;
      this.#reportDrop(link.webContents, channel, error);
    }
  }

  /**
   * @internal For {@link RemoteLink}: the call settles as it does in the renderer's process, or rejects
   * with `ERR_IPC_CLOSED` as soon as the proxy is destroyed (its process left, or the renderer did).
   */
  execute(link: RemoteLink, code: string, userGesture: boolean): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const pending = (link.pending ??= new Set());
      pending.add(reject);
      const settle =
        <T>(finish: (value: T) => void) =>
        (value: T) => {
          pending.delete(reject);
          finish(value);
        };
      this.cluster
        .executeJavaScript(link.node, link.webContents.id, code, userGesture)
        .then(settle(resolve), settle(reject));
    });
  }

  /** @internal For {@link RemoteLink}. */
  closeRemote(link: RemoteLink): void {
    try {
      this.cluster.closeRenderer(link.node, link.webContents.id);
    } catch (error) {
      this.logger.warn(
        { err: error, code: codeOf(error), webContentsId: link.webContents.id },
        `ipc-anywhere: could not ask another main process to close WebContents #${link.webContents.id}`,
      );
    }
  }

  #reportDrop(contents: WebContents, channel: string, error: IpcError): void {
    const now = Date.now();
    if (now - this.#droppedLoggedAt >= DROP_LOG_INTERVAL_MS) {
      this.#droppedLoggedAt = now;
      this.logger.warn(
        { code: error.code, channel, webContentsId: contents.id, dropped: this.#dropped },
        `ipc-anywhere: dropped ${this.#dropped} message(s) for renderers of other main processes (last: '${channel}' to WebContents #${contents.id}): [${error.code}] ${error.message}`,
      );
      this.#dropped = 0;
    }
    if (contents.listenerCount('ipc-message-dropped') === 0) return;
    try {
      contents.emit('ipc-message-dropped', error, channel);
    } catch (listenerError) {
      this.logger.error(
        { err: listenerError, channel, webContentsId: contents.id },
        `ipc-anywhere: a listener for 'ipc-message-dropped' threw`,
      );
    }
  }

  /** Off the lists before any `'destroyed'` listener runs (as for local renderers): fromId no longer finds it. */
  #destroy(link: RemoteLink): void {
    const id = link.webContents.id;
    link.destroyed = true;
    if (link.pending) {
      const gone = new IpcError(IpcErrorCode.Closed, `WebContents #${id} is destroyed.`);
      for (const reject of link.pending) reject(gone);
      link.pending = undefined;
    }
    if (this.#byId.get(id) === link) this.#byId.delete(id);
    const ofNode = this.#byNode.get(link.node);
    ofNode?.delete(id);
    if (ofNode?.size === 0) this.#byNode.delete(link.node);
    try {
      link.webContents.emit('destroyed');
    } catch (error) {
      this.logger.error(
        { err: error, webContentsId: link.webContents.id },
        `ipc-anywhere: a listener for 'destroyed' threw`,
      );
    }
  }
}
