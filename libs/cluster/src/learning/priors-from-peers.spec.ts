import type { ClusterState, NodeLearning } from '../interfaces/node-learning.interface';
import { learnedCurves, type LocalCatalogue } from './learned-curves';
import { priorsFromPeers } from './priors-from-peers';

const local: LocalCatalogue = {
  models: new Map([
    ['mlp_tiny@1', 'sha-tiny'],
    ['tiny_copy@1', 'sha-tiny'],
  ]),
  devices: new Map([['cpu:0', 'cpu']]),
};

function node(nodeId: string, hardware: string, samples: number, ms = 2): NodeLearning {
  return {
    nodeId,
    version: 1,
    updatedAt: '2026-11-29T10:00:00.000Z',
    hardware,
    curves: [
      { model: 'other_name@3', modelSha256: 'sha-tiny', deviceId: 'cpu:0', deviceKind: 'cpu', points: [{ batchSize: 1, ms, samples }] },
      { model: 'mlp_tiny@1', modelSha256: 'sha-tiny', deviceId: 'gpu:0', deviceKind: 'gpu', points: [{ batchSize: 1, ms, samples }] },
      { model: 'big@1', modelSha256: 'sha-big', deviceId: 'cpu:0', deviceKind: 'cpu', points: [{ batchSize: 1, ms, samples }] },
    ],
  };
}

describe(priorsFromPeers.name, () => {
  it('takes curves of peers on the same hardware, by model digest, for devices this node has, the most sampled first', () => {
    const state: ClusterState = {
      nodes: { me: node('me', 'hw', 99, 1), p1: node('p1', 'hw', 5, 2), p2: node('p2', 'hw', 9, 3), other: node('other', 'hw-2', 500, 4) },
    };
    const priors = priorsFromPeers(state, { nodeId: 'me', hardware: 'hw' }, local);
    expect(priors.map((p) => [p.modelKey, p.deviceId, p.from, p.points[0].ms])).toEqual([
      ['mlp_tiny@1', 'cpu:0', 'p2', 3],
      ['tiny_copy@1', 'cpu:0', 'p2', 3],
    ]);
  });

  it('has nothing from a node alone or with peers on other hardware', () => {
    expect(priorsFromPeers({ nodes: { me: node('me', 'hw', 9) } }, { nodeId: 'me', hardware: 'hw' }, local)).toEqual([]);
    expect(priorsFromPeers({ nodes: { x: node('x', 'hw-2', 9) } }, { nodeId: 'me', hardware: 'hw' }, local)).toEqual([]);
  });
});

describe(learnedCurves.name, () => {
  it('labels the estimator curves with the model digest and device kind, leaving out what this node does not serve', () => {
    const curves = learnedCurves(
      {
        version: 1,
        curves: [
          { modelKey: 'mlp_tiny@1', deviceId: 'cpu:0', points: [{ batchSize: 1, ms: 2, samples: 3 }] },
          { modelKey: 'gone@1', deviceId: 'cpu:0', points: [{ batchSize: 1, ms: 2, samples: 3 }] },
          { modelKey: 'mlp_tiny@1', deviceId: 'npu:0', points: [{ batchSize: 1, ms: 2, samples: 3 }] },
        ],
      },
      local,
    );
    expect(curves).toEqual([
      { model: 'mlp_tiny@1', modelSha256: 'sha-tiny', deviceId: 'cpu:0', deviceKind: 'cpu', points: [{ batchSize: 1, ms: 2, samples: 3 }] },
    ]);
  });
});
