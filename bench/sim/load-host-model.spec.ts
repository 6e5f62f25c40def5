import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../test/support/repo-paths';
import { idealOf } from './ideal';
import { loadHostModel } from './load-host-model';
import { simulationConfig } from './sim-config';

describe(loadHostModel.name, () => {
  const profile = join(repoRoot(), 'bench', 'profiles', 'h100-host.json');
  const classes = [
    { model: 'mlp_small', batchSize: 1, share: 0.5 },
    { model: 'mlp_large', batchSize: 64, share: 0.5 },
  ];

  it('turns the H100 host throughputs into per-slot run times', () => {
    const sut = loadHostModel(profile);
    const cpu = sut.devices.find((d) => d.id === 'cpu:0')!;
    const gpu = sut.devices.find((d) => d.id === 'gpu:0')!;
    expect(cpu.slots).toBe(4);
    expect(cpu.serviceMs('mlp_small', 1)).toBeCloseTo(4000 / 5041, 9);
    expect(cpu.serviceMs('mlp_large', 64)).toBeCloseTo(4000 / 94, 9);
    expect(gpu.serviceMs('mlp_small', 1)).toBeCloseTo(1000 / 340, 9);
    expect(gpu.serviceMs('mlp_large', 32)).toBeCloseTo(1000 / 148 / 2, 9);
    expect(gpu.serviceMs('cnn_small', 1)).toBeUndefined();
  });

  it('gives the LP ideal of the 50/50 mix that the project guide states (~470/s)', () => {
    const sut = loadHostModel(profile);
    const ideal = idealOf(
      simulationConfig({
        devices: sut.devices,
        classes,
        arrival: { mode: 'closed', clients: 1 },
        durationMs: 1,
        warmupMs: 0,
        noise: 0,
        batching: false,
        seed: 1,
      }),
    );
    // by hand: the GPU runs only large jobs (148/s); the CPU the small ones and the other large:
    // X/2/5041 + (X/2 - 148)/94 = 1
    const byHand = (1 + 148 / 94) / (1 / (2 * 5041) + 1 / (2 * 94));
    expect(ideal.jobsPerS).toBeCloseTo(byHand, 6);
    expect(ideal.jobsPerS).toBeGreaterThan(465);
    expect(ideal.jobsPerS).toBeLessThan(480);
    expect(ideal.fullBatchingJobsPerS).toBeGreaterThan(ideal.jobsPerS);
  });

  it('applies slot overrides by device id or kind', () => {
    const sut = loadHostModel(profile, { slots: { gpu: 2, 'cpu:0': 8 } });
    expect(sut.devices.map((d) => d.slots)).toEqual([8, 2]);
    // a run of one slot takes as long as before: more slots means more throughput
    expect(sut.devices[0].serviceMs('mlp_small', 1)).toBeCloseTo(4000 / 5041, 9);
  });
});

describe('loadHostModel (calibration profile)', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'profile-')), 'abc.json');
  writeFileSync(
    file,
    JSON.stringify({
      version: 1,
      fingerprint: 'abc',
      createdAt: '2025-01-01T00:00:00.000Z',
      host: {
        cpuModel: 'cpu',
        devices: [
          { id: 'cpu:0', name: 'c', executionProvider: 'cpu' },
          { id: 'gpu:0', name: 'g', executionProvider: 'webgpu' },
        ],
        ortVersion: '1.30.0',
        models: [],
      },
      pairs: [
        {
          model: 'mlp_small@1',
          deviceId: 'cpu:0',
          points: [
            { batchSize: 1, ms: 1, runs: 3 },
            { batchSize: 4, ms: 2.5, runs: 3 },
          ],
          elapsedMs: 1,
          truncated: false,
        },
        // noisy lavapipe sweep cut short by its budget: batch 2 measured faster than batch 1
        {
          model: 'mlp_small@1',
          deviceId: 'gpu:0',
          points: [
            { batchSize: 1, ms: 174, runs: 3 },
            { batchSize: 2, ms: 131, runs: 3 },
          ],
          elapsedMs: 1,
          truncated: true,
        },
      ],
      estimator: { version: 1, curves: [] },
    }),
  );

  it('reads run times per batch size, model names without versions, slots from the overrides', () => {
    const sut = loadHostModel(file, { slots: { 'cpu:0': 2 } });
    const [cpu, gpu] = sut.devices;
    expect(sut.source).toBe('calibration');
    expect(cpu).toMatchObject({ id: 'cpu:0', kind: 'cpu', slots: 2, models: ['mlp_small'] });
    expect(gpu).toMatchObject({ id: 'gpu:0', kind: 'gpu', slots: 1 });
    expect(cpu.serviceMs('mlp_small', 2)).toBeCloseTo(1.5, 9);
  });

  it('never lets a bigger batch take less time than a measured smaller one (no negative extrapolation)', () => {
    const gpu = loadHostModel(file).devices[1];
    for (const b of [2, 3, 8, 16, 64]) expect(gpu.serviceMs('mlp_small', b)).toBeGreaterThanOrEqual(174);
  });
});
