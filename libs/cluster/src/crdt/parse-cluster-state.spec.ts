import { InvalidRequestError } from '@switchyard/common';
import fc from 'fast-check';
import { clusterState } from '../testing/node-learning.arbitrary';
import { parseClusterState } from './parse-cluster-state';

const entry = { nodeId: 'a', version: 3, updatedAt: '2026-11-29T10:00:00.000Z', hardware: 'hw', curves: [] };

describe(parseClusterState.name, () => {
  it('reads back any state it could have sent', () => {
    fc.assert(fc.property(clusterState, (s) => expect(parseClusterState(JSON.parse(JSON.stringify(s)))).toEqual(s)));
  });

  it.each([
    ['not an object', 42, /state must be an object/],
    ['no nodes', {}, /state.nodes must be an object/],
    ['a key that is not its node', { nodes: { b: entry } }, /state.nodes.b.nodeId is "a"/],
    ['a prototype key', JSON.parse('{"nodes": {"__proto__": {}}}'), /not allowed/],
    ['a bad node id', { nodes: { 'a b': { ...entry, nodeId: 'a b' } } }, /node id "a b" is not allowed/],
    ['a negative version', { nodes: { a: { ...entry, version: -1 } } }, /state.nodes.a.version must be a finite number >= 0/],
    [
      'a point that is not a number',
      {
        nodes: {
          a: {
            ...entry,
            curves: [
              { model: 'm', modelSha256: 's', deviceId: 'cpu:0', deviceKind: 'cpu', points: [{ batchSize: 1, ms: 'x', samples: 1 }] },
            ],
          },
        },
      },
      /curves\[0\]\.points\[0\]\.ms must be a finite number/,
    ],
    ['a profile of another version', { nodes: { a: { ...entry, calibration: { version: 2 } } } }, /calibration.version must be 1/],
  ])('refuses %s with a 400 that says what is wrong', (_, value, message) => {
    expect(() => parseClusterState(value)).toThrow(InvalidRequestError);
    expect(() => parseClusterState(value)).toThrow(message);
  });
});
