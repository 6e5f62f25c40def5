import fc from 'fast-check';
import type { ClusterState, NodeLearning } from '../interfaces/node-learning.interface';
import { clusterState, learnedCurve, NODE_IDS } from '../testing/node-learning.arbitrary';
import { mergeClusterStates, withEntry } from './merge-cluster-states';

const EMPTY: ClusterState = { nodes: {} };

/** One step of a run: replica `node` learns something new, or replica `to` merges the state of `from`. */
type Step = { kind: 'update'; node: number; curves: NodeLearning['curves'] } | { kind: 'send'; from: number; to: number };

const replica = fc.integer({ min: 0, max: NODE_IDS.length - 1 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('update' as const), node: replica, curves: fc.array(learnedCurve, { maxLength: 2 }) }),
  fc.record({ kind: fc.constant('send' as const), from: replica, to: replica }),
);
/** Every directed link between the 3 replicas, in an order fast-check picks. */
const exchangeOrder = fc.shuffledSubarray(
  NODE_IDS.flatMap((_, from) => NODE_IDS.map((__, to) => ({ from, to })).filter((l) => l.from !== l.to)),
  { minLength: 6, maxLength: 6 },
);

describe(mergeClusterStates.name, () => {
  it('is commutative', () => {
    fc.assert(fc.property(clusterState, clusterState, (a, b) => expect(mergeClusterStates(a, b)).toEqual(mergeClusterStates(b, a))));
  });

  it('is associative', () => {
    fc.assert(
      fc.property(clusterState, clusterState, clusterState, (a, b, c) =>
        expect(mergeClusterStates(mergeClusterStates(a, b), c)).toEqual(mergeClusterStates(a, mergeClusterStates(b, c))),
      ),
    );
  });

  it('is idempotent, and the empty state is its identity', () => {
    fc.assert(
      fc.property(clusterState, (a) => {
        expect(mergeClusterStates(a, a)).toEqual(a);
        expect(mergeClusterStates(a, EMPTY)).toEqual(a);
        expect(mergeClusterStates(EMPTY, a)).toEqual(a);
      }),
    );
  });

  it('only ever moves a node forward: the merge holds, per node, the highest version of either side', () => {
    fc.assert(
      fc.property(clusterState, clusterState, (a, b) => {
        const merged = mergeClusterStates(a, b);
        expect(Object.keys(merged.nodes).sort()).toEqual([...new Set([...Object.keys(a.nodes), ...Object.keys(b.nodes)])].sort());
        for (const [id, entry] of Object.entries(merged.nodes)) {
          expect(entry.version).toBe(Math.max(a.nodes[id]?.version ?? 0, b.nodes[id]?.version ?? 0));
        }
      }),
    );
  });

  it('makes 3 replicas converge after any interleaving of updates and merges, each holding every node latest entry', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), exchangeOrder, (steps, order) => {
        const replicas: ClusterState[] = NODE_IDS.map(() => EMPTY);
        const latest = new Map<string, NodeLearning>();
        const versions = NODE_IDS.map(() => 0);
        for (const s of steps) {
          if (s.kind === 'update') {
            const entry: NodeLearning = {
              nodeId: NODE_IDS[s.node],
              version: ++versions[s.node],
              updatedAt: '2026-11-29T10:00:00.000Z',
              hardware: 'hw-1',
              curves: s.curves,
            };
            replicas[s.node] = withEntry(replicas[s.node], entry);
            latest.set(entry.nodeId, entry);
          } else {
            replicas[s.to] = mergeClusterStates(replicas[s.to], replicas[s.from]);
          }
        }
        // then links come back in any order, each used twice (enough for news to cross two hops)
        for (const { from, to } of [...order, ...order]) replicas[to] = mergeClusterStates(replicas[to], replicas[from]);
        expect(replicas[1]).toEqual(replicas[0]);
        expect(replicas[2]).toEqual(replicas[0]);
        expect(replicas[0].nodes).toEqual(Object.fromEntries([...latest].sort(([x], [y]) => x.localeCompare(y))));
      }),
    );
  });

  it('leaves its inputs untouched', () => {
    fc.assert(
      fc.property(clusterState, clusterState, (a, b) => {
        const [copyA, copyB] = [structuredClone(a), structuredClone(b)];
        mergeClusterStates(a, b);
        expect(a).toEqual(copyA);
        expect(b).toEqual(copyB);
      }),
    );
  });
});
