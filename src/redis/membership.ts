import type { ClusterMember, ClusterRenderer } from '../core/main/cluster-link.js';

/** What this process knows of another one. */
interface NodeState {
  /** When anything was last heard from it (ms). */
  lastSeen: number;
  /** Its last membership change applied here. */
  seq: number;
  /** Its renderers are known (a Snapshot or Hello arrived, and no change was missed since). */
  synced: boolean;
  /** When a Snapshot was last asked of it (ms), so a burst of gaps asks once. */
  syncAskedAt: number;
}

/**
 * The other processes of the cluster, from what they publish: who is alive (heartbeats), and which
 * renderers each has (Hello and Snapshot lists, then numbered Join/Leave changes). A missed change
 * (pub/sub is at most once) shows as a gap in the numbers and is repaired by asking for a Snapshot;
 * a process not heard from for `timeout` ms is gone. Pure: time is passed in.
 */
export class Membership {
  readonly #nodes = new Map<string, NodeState>();

  constructor(
    private readonly member: ClusterMember,
    /** Asks `node` to publish its Snapshot. */
    private readonly askSnapshot: (node: string) => void,
    /** Least time between two requests for the same node's Snapshot (ms). */
    private readonly askInterval: number,
  ) {}

  /** Processes heard from and not yet gone. */
  get nodes(): string[] {
    return [...this.#nodes.keys()];
  }

  /** Anything from `node` shows it is alive. */
  heard(node: string, now: number): void {
    this.#stateOf(node, now).lastSeen = now;
  }

  /** A full list of `node`'s renderers as of change `seq` (Hello or Snapshot). */
  list(node: string, seq: number, renderers: readonly ClusterRenderer[], now: number): void {
    const state = this.#stateOf(node, now);
    state.lastSeen = now;
    state.seq = seq;
    state.synced = true;
    this.member.nodeRenderers(node, renderers);
  }

  join(node: string, seq: number, renderer: ClusterRenderer, now: number): void {
    if (this.#next(node, seq, now)) this.member.rendererJoined(node, renderer);
  }

  leave(node: string, seq: number, id: number, now: number): void {
    if (this.#next(node, seq, now)) this.member.rendererLeft(node, id);
  }

  /** A heartbeat says where `node`'s changes are: behind that, one was missed. */
  heartbeat(node: string, seq: number, now: number): void {
    const state = this.#stateOf(node, now);
    state.lastSeen = now;
    if (!state.synced || seq !== state.seq) this.#resync(node, state, now);
  }

  /** `node` said goodbye, or expired: its renderers are destroyed here. */
  gone(node: string): void {
    if (!this.#nodes.delete(node)) return;
    this.member.nodeGone(node);
  }

  /** Every node not heard from since `now - timeout` is gone; returns them. */
  expire(now: number, timeout: number): string[] {
    const expired: string[] = [];
    for (const [node, state] of this.#nodes) if (now - state.lastSeen > timeout) expired.push(node);
    for (const node of expired) this.gone(node);
    return expired;
  }

  /**
   * This process could not hear anyone for a while (its own Redis connection was down): nobody is
   * blamed for that silence; each node has a full timeout from `now` to show it is still there.
   */
  forgive(now: number): void {
    for (const state of this.#nodes.values()) state.lastSeen = now;
  }

  /** Whether change `seq` of `node` is the next one to apply (otherwise a Snapshot is asked for). */
  #next(node: string, seq: number, now: number): boolean {
    const state = this.#stateOf(node, now);
    state.lastSeen = now;
    if (state.synced && seq <= state.seq) return false;
    if (!state.synced || seq !== state.seq + 1) {
      this.#resync(node, state, now);
      return false;
    }
    state.seq = seq;
    return true;
  }

  #resync(node: string, state: NodeState, now: number): void {
    state.synced = false;
    if (now - state.syncAskedAt < this.askInterval) return;
    state.syncAskedAt = now;
    this.askSnapshot(node);
  }

  #stateOf(node: string, now: number): NodeState {
    let state = this.#nodes.get(node);
    if (!state) {
      state = { lastSeen: now, seq: 0, synced: false, syncAskedAt: Number.NEGATIVE_INFINITY };
      this.#nodes.set(node, state);
    }
    return state;
  }
}
