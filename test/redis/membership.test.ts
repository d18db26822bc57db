import { describe, expect, it } from 'vitest';
import type { ClusterMember, ClusterRenderer } from '../../src/core/main/cluster-link.js';
import { Membership } from '../../src/redis/membership.js';

const r = (id: number): ClusterRenderer => ({
  id,
  type: 'window',
  url: `https://x.test/${id}`,
  origin: 'https://x.test',
  processId: id,
});

/** A member that writes down what the membership tells it, and the snapshots asked for. */
function recording() {
  const log: string[] = [];
  const member: ClusterMember = {
    logger: { warn() {}, error() {} },
    localRenderers: () => [],
    deliver() {},
    closeLocal() {},
    executeLocal: () => Promise.resolve(),
    nodeRenderers: (node, list) => log.push(`${node} list ${list.map((x) => x.id).join(',')}`),
    rendererJoined: (node, renderer) => log.push(`${node} join ${renderer.id}`),
    rendererLeft: (node, id) => log.push(`${node} leave ${id}`),
    nodeGone: (node) => log.push(`${node} gone`),
  };
  const asked: string[] = [];
  const membership = new Membership(member, (node) => asked.push(node), 1_000);
  return { log, asked, membership };
}

describe('cluster membership (src/redis/membership.ts)', () => {
  it('applies numbered changes after a full list, and ignores ones it already has', () => {
    const { log, asked, membership } = recording();
    membership.list('B', 4, [r(1)], 0);
    membership.join('B', 4, r(1), 1); // already in the list
    membership.join('B', 5, r(2), 2);
    membership.leave('B', 6, 1, 3);
    membership.heartbeat('B', 6, 4);
    expect(log).toEqual(['B list 1', 'B join 2', 'B leave 1']);
    expect(asked).toEqual([]);
  });

  it('asks for a snapshot when a change was missed, once per interval, and resumes from it', () => {
    const { log, asked, membership } = recording();
    membership.list('B', 1, [], 0);
    membership.join('B', 3, r(3), 10); // 2 was lost
    membership.join('B', 4, r(4), 20);
    expect(asked).toEqual(['B']);
    expect(log).toEqual(['B list ']);
    membership.list('B', 4, [r(2), r(3), r(4)], 30);
    membership.leave('B', 5, 2, 40);
    expect(log).toEqual(['B list ', 'B list 2,3,4', 'B leave 2']);
    // A heartbeat that is ahead shows a missed change too.
    membership.heartbeat('B', 7, 2_000);
    expect(asked).toEqual(['B', 'B']);
  });

  it('asks a process it hears of for the first time for its snapshot', () => {
    const { asked, membership } = recording();
    membership.heartbeat('C', 0, 0);
    expect(asked).toEqual(['C']);
    expect(membership.nodes).toEqual(['C']);
  });

  it('expires a silent process, and forgives silence that was its own', () => {
    const { log, membership } = recording();
    membership.list('B', 0, [r(1)], 0);
    membership.list('C', 0, [r(2)], 0);
    membership.heard('C', 5_000);
    expect(membership.expire(8_500, 8_000)).toEqual(['B']);
    expect(log.at(-1)).toBe('B gone');
    membership.forgive(20_000);
    expect(membership.expire(27_000, 8_000)).toEqual([]);
    expect(membership.expire(28_001, 8_000)).toEqual(['C']);
    expect(membership.nodes).toEqual([]);
  });

  it('forgets a process that said goodbye, once', () => {
    const { log, membership } = recording();
    membership.list('B', 0, [r(1)], 0);
    membership.gone('B');
    membership.gone('B');
    expect(log).toEqual(['B list 1', 'B gone']);
  });
});
