import type { Cluster, ClusterMember, ClusterRenderer } from '../../src/core/main/cluster-link.js';
import { decode, encode } from '../../src/protocol/codec/index.js';
import { IpcError, IpcErrorCode } from '../../src/protocol/errors.js';

/**
 * The simplest cluster that keeps the contract of core/main/cluster-link.ts: main worlds of one test
 * process joined through a hub, messages delivered on a microtask (values copied at once, as the Redis
 * one does). It tests the core's side (ids, listing, proxies, relays) without Redis.
 */
export class MemoryHub {
  readonly members = new Map<string, MemoryCluster>();
  nextId = 1;

  cluster(node: string): MemoryCluster {
    const cluster = new MemoryCluster(this, node);
    this.members.set(node, cluster);
    return cluster;
  }
}

export class MemoryCluster implements Cluster {
  member: ClusterMember | undefined;
  /** False: sends fail as they do while Redis is unreachable. */
  up = true;
  readonly closeRequests: number[] = [];

  constructor(
    private readonly hub: MemoryHub,
    readonly node: string,
  ) {}

  attach(member: ClusterMember): void {
    this.member = member;
    for (const other of this.#others()) {
      member.nodeRenderers(other.node, other.member!.localRenderers());
      other.member!.nodeRenderers(this.node, member.localRenderers());
    }
  }

  allocateId(): number {
    return this.hub.nextId++;
  }

  announceJoin(renderer: ClusterRenderer): void {
    for (const other of this.#others()) other.member!.rendererJoined(this.node, renderer);
  }

  announceLeave(id: number): void {
    for (const other of this.#others()) other.member!.rendererLeft(this.node, id);
  }

  send(node: string, targetId: number, channel: string, args: unknown[], senderId: number): void {
    if (!this.up) throw new IpcError(IpcErrorCode.ClusterUnavailable, 'The memory hub is down.');
    const copy = decode(encode(args)) as unknown[];
    queueMicrotask(() => this.hub.members.get(node)?.member?.deliver(targetId, channel, copy, senderId));
  }

  executeJavaScript(node: string, id: number, code: string, userGesture: boolean): Promise<unknown> {
    if (!this.up)
      return Promise.reject(new IpcError(IpcErrorCode.ClusterUnavailable, 'The memory hub is down.'));
    const member = this.hub.members.get(node)?.member;
    // A process that died never answers (the proxy's destruction settles the call).
    return member ? member.executeLocal(id, code, userGesture) : new Promise(() => {});
  }

  closeRenderer(node: string, id: number): void {
    this.closeRequests.push(id);
    this.hub.members.get(node)?.member?.closeLocal(id);
  }

  /** This process dies: the others learn it at once (the Redis cluster learns it from heartbeats). */
  die(): void {
    this.hub.members.delete(this.node);
    for (const other of this.#others()) other.member!.nodeGone(this.node);
  }

  #others(): MemoryCluster[] {
    return [...this.hub.members.values()].filter((other) => other !== this && other.member !== undefined);
  }
}
