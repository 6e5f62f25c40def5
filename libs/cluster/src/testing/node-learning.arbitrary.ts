import fc from 'fast-check';
import type { ClusterState, LearnedCurve, NodeLearning } from '../interfaces/node-learning.interface';

/** The node ids of the property tests: few, so that states overlap and conflict often. */
export const NODE_IDS = ['a', 'b', 'c'] as const;

const point = fc.record({
  batchSize: fc.integer({ min: 1, max: 64 }),
  ms: fc.double({ min: 0, max: 1000, noNaN: true }),
  samples: fc.integer({ min: 1, max: 50 }),
});

/** Any curve of two models on two devices. */
export const learnedCurve: fc.Arbitrary<LearnedCurve> = fc.record({
  model: fc.constantFrom('mlp_tiny@1', 'mlp_small@1'),
  modelSha256: fc.constantFrom('sha-tiny', 'sha-small'),
  deviceId: fc.constantFrom('cpu:0', 'gpu:0'),
  deviceKind: fc.constantFrom('cpu', 'gpu'),
  points: fc.array(point, { maxLength: 3 }),
});

/** Any entry of one node (versions collide on purpose: ties must still merge the same everywhere). */
export function nodeLearning(nodeId: string, version = fc.integer({ min: 1, max: 6 })): fc.Arbitrary<NodeLearning> {
  return fc.record({
    nodeId: fc.constant(nodeId),
    version,
    updatedAt: fc.constantFrom('2026-11-29T10:00:00.000Z', '2026-11-29T11:00:00.000Z'),
    hardware: fc.constantFrom('hw-1', 'hw-2'),
    curves: fc.array(learnedCurve, { maxLength: 3 }),
  });
}

/** Any cluster state over NODE_IDS. */
export const clusterState: fc.Arbitrary<ClusterState> = fc
  .tuple(...NODE_IDS.map((id) => fc.option(nodeLearning(id), { nil: undefined })))
  .map((entries) => ({ nodes: Object.fromEntries(entries.filter((e) => e !== undefined).map((e) => [e.nodeId, e])) }));
