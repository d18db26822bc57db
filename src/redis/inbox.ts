import type { ClusterMember, ClusterRenderer } from '../core/main/cluster-link.js';
import type { BatchVisitor } from './cluster-wire.js';
import type { Membership } from './membership.js';

/** What the inbox asks of the cluster it belongs to. */
export interface InboxOwner {
  /** Another process joined, or missed a change of ours: publish our Snapshot. */
  snapshotWanted(): void;
  /** Another process has a renderer with this id (new ids must stay above it). */
  sawId(id: number): void;
  /** Another process said goodbye. */
  nodeLeft(node: string): void;
  /** Answers call `call` of process `node`. */
  answer(node: string, call: number, ok: boolean, value: unknown): void;
  /** Process `node` answered call `call` of this one. */
  settle(node: string, call: number, ok: boolean, value: unknown, errorCode: string): void;
}

/**
 * Where the records of one received batch go: messages to this process's renderers, membership news
 * to {@link Membership}. One object for every batch (no closure per batch): set {@link now}, then
 * {@link from} names the sender and returns the visitor.
 */
export class Inbox implements BatchVisitor {
  now = 0;
  #from = '';

  constructor(
    private readonly member: ClusterMember,
    private readonly membership: Membership,
    private readonly owner: InboxOwner,
  ) {}

  /** The visitor for a batch from `node` (which is alive, since it published). */
  from(node: string): BatchVisitor {
    this.#from = node;
    this.membership.heard(node, this.now);
    return this;
  }

  send(target: number, sender: number, channel: string, args: unknown[]): void {
    this.member.deliver(target, channel, args, sender);
  }

  close(target: number): void {
    this.member.closeLocal(target);
  }

  snapshot(seq: number, renderers: ClusterRenderer[]): void {
    this.#saw(renderers);
    this.membership.list(this.#from, seq, renderers, this.now);
  }

  sync(): void {
    this.owner.snapshotWanted();
  }

  hello(seq: number, renderers: ClusterRenderer[]): void {
    this.#saw(renderers);
    this.membership.list(this.#from, seq, renderers, this.now);
    this.owner.snapshotWanted();
  }

  heartbeat(seq: number): void {
    this.membership.heartbeat(this.#from, seq, this.now);
  }

  join(seq: number, renderer: ClusterRenderer): void {
    this.owner.sawId(renderer.id);
    this.membership.join(this.#from, seq, renderer, this.now);
  }

  leave(seq: number, id: number): void {
    this.membership.leave(this.#from, seq, id, this.now);
  }

  bye(): void {
    this.membership.gone(this.#from);
    this.owner.nodeLeft(this.#from);
  }

  call(call: number, target: number, code: string, userGesture: boolean): void {
    const from = this.#from;
    this.member.executeLocal(target, code, userGesture).then(
      (value) => this.owner.answer(from, call, true, value),
      (error: unknown) => this.owner.answer(from, call, false, error),
    );
  }

  result(call: number, ok: boolean, value: unknown, errorCode: string): void {
    this.owner.settle(this.#from, call, ok, value, errorCode);
  }

  #saw(renderers: readonly ClusterRenderer[]): void {
    for (const renderer of renderers) this.owner.sawId(renderer.id);
  }
}
