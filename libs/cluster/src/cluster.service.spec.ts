import { SwitchyardEvents, type SwitchyardEventMap } from '@switchyard/common';
import { loadConfig } from '@switchyard/config';
import type { ModelRepositoryService } from '@switchyard/models';
import type { RuntimeService } from '@switchyard/runtime';
import { EwmaServiceTimeEstimator, hardwareFingerprint, type CalibrationService, type FingerprintInputs } from '@switchyard/scheduler';
import { ClusterService } from './cluster.service';
import type { NodeLearning } from './interfaces/node-learning.interface';
import { PeerClientAdapter } from './transport/peer-client.adapter';

const HOST: FingerprintInputs = {
  cpuModel: 'Test CPU',
  devices: [{ id: 'cpu:0', name: 'cpu', executionProvider: 'cpu' }],
  ortVersion: '1.30.0',
  models: [
    { key: 'mlp_tiny@1', sha256: 'sha-tiny' },
    { key: 'mlp_small@1', sha256: 'sha-small' },
  ],
};

describe(ClusterService.name, () => {
  let sut: ClusterService;
  let estimator: EwmaServiceTimeEstimator;
  let synced: Array<SwitchyardEventMap['cluster.synced']>;

  beforeEach(() => {
    estimator = new EwmaServiceTimeEstimator();
    const events = new SwitchyardEvents();
    synced = [];
    events.on('cluster.synced', (e) => synced.push(e));
    // the node's facts as plain objects: no pool or model needs to run for what this spec checks
    const calibration = { fingerprintInputs: () => HOST, profile: () => undefined, addProfileSource: () => undefined };
    const runtime = { pools: () => [{ device: { id: 'cpu:0', kind: 'cpu' } }] };
    const models = { list: () => HOST.models.map((m) => ({ ...m, state: 'READY' })) };
    sut = new ClusterService(
      loadConfig({}, { NODE_ID: 'me' }),
      calibration as unknown as CalibrationService,
      estimator,
      runtime as unknown as RuntimeService,
      models as unknown as ModelRepositoryService,
      events,
      new PeerClientAdapter(),
    );
  });

  function peer(nodeId: string, hardware: string, version: number): NodeLearning {
    return {
      nodeId,
      version,
      updatedAt: new Date().toISOString(),
      hardware,
      curves: [
        { model: 'tiny@7', modelSha256: 'sha-tiny', deviceId: 'cpu:0', deviceKind: 'cpu', points: [{ batchSize: 1, ms: 4, samples: 9 }] },
        {
          model: 'mlp_small@1',
          modelSha256: 'sha-small',
          deviceId: 'cpu:0',
          deviceKind: 'cpu',
          points: [{ batchSize: 1, ms: 9, samples: 9 }],
        },
      ],
    };
  }

  it('publishes what this node measured, under a new version only when it changed', () => {
    estimator.observe('mlp_tiny@1', 'cpu:0', 1, 2);
    const first = sut.state().nodes.me;
    expect(first).toMatchObject({ nodeId: 'me', hardware: hardwareFingerprint(HOST) });
    expect(first.curves).toEqual([
      { model: 'mlp_tiny@1', modelSha256: 'sha-tiny', deviceId: 'cpu:0', deviceKind: 'cpu', points: [{ batchSize: 1, ms: 2, samples: 1 }] },
    ]);
    expect(sut.state().nodes.me.version).toBe(first.version);
    estimator.observe('mlp_tiny@1', 'cpu:0', 1, 3);
    expect(sut.state().nodes.me.version).toBeGreaterThan(first.version);
  });

  it('merges a peer state: same-hardware curves become priors for unmeasured pairs only, never re-shared as its own', () => {
    estimator.observe('mlp_small@1', 'cpu:0', 1, 1);
    const hardware = hardwareFingerprint(HOST);
    const answer = sut.receive({ from: 'p', state: { nodes: { p: peer('p', hardware, 5), q: peer('q', 'other-hw', 6) } } });
    expect(Object.keys(answer.state.nodes)).toEqual(['me', 'p', 'q']);
    expect(estimator.estimate('mlp_tiny@1', 'cpu:0', 1)).toMatchObject({ ms: 4, samples: 1 }); // p's, by digest, worth 1 sample
    expect(estimator.estimate('mlp_small@1', 'cpu:0', 1)).toMatchObject({ ms: 1, samples: 1 }); // measured here: kept
    expect(sut.priors()).toEqual([{ modelKey: 'mlp_tiny@1', deviceId: 'cpu:0', from: 'p' }]);
    expect(sut.state().nodes.me.curves.map((c) => c.model)).toEqual(['mlp_small@1']);
    expect(synced.at(-1)).toMatchObject({ nodes: 3, peersReachable: 0, peersUnreachable: 0 });
    expect(sut.lastMergeAt()).toBeDefined();

    estimator.observe('mlp_tiny@1', 'cpu:0', 1, 2);
    expect(sut.priors()).toEqual([]);
    expect(sut.state().nodes.me.curves.map((c) => c.model)).toEqual(['mlp_small@1', 'mlp_tiny@1']);
  });

  it('supersedes an entry another process wrote under its id', () => {
    const stale = { ...peer('me', 'hw', Date.now() + 60_000), curves: [] };
    sut.receive({ from: 'old-me', state: { nodes: { me: stale } } });
    const mine = sut.state().nodes.me;
    expect(mine.version).toBeGreaterThan(stale.version);
    expect(mine.hardware).toBe(hardwareFingerprint(HOST));
  });
});
