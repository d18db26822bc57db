import { IpcError, IpcErrorCode } from '../../protocol/errors.js';
import { describeValue } from '../../protocol/options.js';
import type { Logger } from './logger.js';
import type { WebContentsType } from './web-contents-impl.js';

/*
 * The contract between a main world and the cluster of main processes it belongs to (docs/scale-out.md).
 * The world keeps the Electron semantics (ids, listings, proxies, relays); a cluster only carries
 * messages and membership between processes. `ipc-anywhere/redis` implements it over Redis; the tests
 * also run it over an in-memory broker. No I/O here.
 */

/** A renderer as other processes of the cluster see it. */
export interface ClusterRenderer {
  readonly id: number;
  readonly type: WebContentsType;
  readonly url: string;
  readonly origin: string;
  readonly processId: number;
}

/** What a main world offers its cluster: its renderers, and where news from other processes goes. */
export interface ClusterMember {
  readonly logger: Logger;
  /** Every renderer connected to this process (for a process that joins, or rejoins after an outage). */
  localRenderers(): ClusterRenderer[];
  /** A message from another process for renderer `targetId` of this one (dropped when it is gone). */
  deliver(targetId: number, channel: string, args: unknown[], senderId: number): void;
  /** Another process asked to close renderer `id` of this one (`webContents.close()` on its proxy). */
  closeLocal(id: number): void;
  /** `executeJavaScript` on renderer `id` of this one, for another process (rejects as locally). */
  executeLocal(id: number, code: string, userGesture: boolean): Promise<unknown>;
  /** Everything `node` has now: replaces what was known of it (proxies that left are destroyed). */
  nodeRenderers(node: string, renderers: readonly ClusterRenderer[]): void;
  rendererJoined(node: string, renderer: ClusterRenderer): void;
  rendererLeft(node: string, id: number): void;
  /** `node` is gone (it said goodbye, or its heartbeats stopped): its renderers are destroyed. */
  nodeGone(node: string): void;
}

/**
 * A cluster of main processes, given to `createMain({ cluster })` (e.g. `redisCluster()` from
 * `ipc-anywhere/redis`). One cluster object serves one main world.
 */
export interface Cluster {
  /** Called once, by the main world the cluster was given to. */
  attach(member: ClusterMember): void;
  /** A WebContents id that no process of the cluster has used or will use. */
  allocateId(): number;
  /** A renderer connected to this process. */
  announceJoin(renderer: ClusterRenderer): void;
  /** A renderer of this process is gone. */
  announceLeave(id: number): void;
  /**
   * Sends to renderer `targetId` of process `node`, after every earlier message from this process to
   * that one. Values are copied before it returns.
   * @throws IpcError `ERR_IPC_NOT_CLONEABLE` for the caller's values, `ERR_IPC_CLUSTER_UNAVAILABLE` when
   * the other process cannot be reached now (the broker is down, or too much is waiting for it).
   */
  send(node: string, targetId: number, channel: string, args: unknown[], senderId: number): void;
  /** Asks process `node` to close its renderer `id` (`webContents.close()` on a proxy). */
  closeRenderer(node: string, id: number): void;
  /**
   * `executeJavaScript` on renderer `id` of process `node`: settles as it does there. Rejects with
   * `ERR_IPC_CLUSTER_UNAVAILABLE` when the answer cannot come (Redis lost), `ERR_IPC_CLOSED` when that
   * process leaves the cluster first.
   */
  executeJavaScript(node: string, id: number, code: string, userGesture: boolean): Promise<unknown>;
}

const CLUSTER_METHODS = [
  'attach',
  'allocateId',
  'announceJoin',
  'announceLeave',
  'send',
  'closeRenderer',
  'executeJavaScript',
] as const;

/**
 * Checks `createMain({ cluster })`: `undefined`, or an object with the {@link Cluster} methods.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT`
 */
export function checkCluster(name: string, value: unknown): asserts value is Cluster | undefined {
  if (value === undefined) return;
  const missing =
    typeof value === 'object' && value !== null
      ? CLUSTER_METHODS.filter((method) => typeof (value as Record<string, unknown>)[method] !== 'function')
      : CLUSTER_METHODS;
  if (missing.length === 0) return;
  throw new IpcError(
    IpcErrorCode.InvalidArgument,
    `${name} must be a cluster such as redisCluster({ url }) from 'ipc-anywhere/redis' (got ${describeValue(value)}).`,
  );
}
