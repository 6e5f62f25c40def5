import { SwitchyardEvents } from '@switchyard/common';
import { loadConfig } from '@switchyard/config';
import { DeviceHealthService } from '@switchyard/devices';
import type { ModelRepositoryService, ServedModel } from '@switchyard/models';
import type { RuntimeService } from '@switchyard/runtime';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoServedModel } from '../dispatch/testing/demo-served-model';
import { InlineOrtPool } from '../dispatch/testing/inline-ort-pool';
import { ManualClock } from '../dispatch/testing/manual-clock';
import { EwmaServiceTimeEstimator } from '../estimator/ewma-service-time-estimator';
import { DeviceProber } from './device-prober';

const root = mkdtempSync(join(tmpdir(), 'sy-prober-'));

/** Lets the probe's runs (real onnxruntime sessions, on this thread) finish. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Time for anything that was going to run to run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe(DeviceProber.name, () => {
  let tiny: ServedModel;
  let small: ServedModel;
  let pool: InlineOrtPool;
  let clock: ManualClock;
  let health: DeviceHealthService;
  let prober: DeviceProber;

  beforeAll(async () => {
    const a = await demoServedModel(root, 'mlp_tiny');
    const b = await demoServedModel(root, 'mlp_small');
    [tiny, small] = [a.model, b.model];
    pool = new InlineOrtPool('cpu:0', 1);
    await pool.loadModel({ key: tiny.key, path: a.path });
    await pool.loadModel({ key: small.key, path: b.path });
  });

  afterAll(() => pool.close());

  beforeEach(() => {
    pool.runs.length = 0;
    clock = new ManualClock(1000);
    const config = loadConfig({}, { HEALTH_PROBE_BACKOFF_MS: 1000 });
    const estimator = new EwmaServiceTimeEstimator();
    // mlp_tiny is the quicker of the two: the probe starts with it
    estimator.seed(tiny.key, 'cpu:0', [{ batchSize: 1, ms: 0.1, samples: 5 }]);
    estimator.seed(small.key, 'cpu:0', [{ batchSize: 1, ms: 2, samples: 5 }]);
    health = new DeviceHealthService(config, new SwitchyardEvents());
    const runtime = { pool: (id: string) => (id === 'cpu:0' ? pool : undefined) } as unknown as RuntimeService;
    const models = { list: () => [small, tiny] } as unknown as ModelRepositoryService;
    prober = new DeviceProber(config, runtime, models, estimator, health, clock);
    health.report('cpu:0', 'crashed', 'pool process exited (SIGKILL)');
  });

  afterEach(() => prober.stop());

  it('runs every model loaded on the device, quickest first, before it re-admits it: a recycled process is warm for all of them', async () => {
    prober.schedule('cpu:0');
    clock.advance(999);
    await settle();
    expect(pool.runs).toEqual([]);
    clock.advance(1);
    await until(() => health.get('cpu:0').state === 'healthy');
    expect(pool.runs).toEqual([
      { modelKey: tiny.key, rows: 1 },
      { modelKey: small.key, rows: 1 },
    ]);
    expect(health.get('cpu:0').reason).toMatch(
      /^re-admitted: a probe run of mlp_tiny@1 answered in \d+ ms; its other models warmed up: mlp_small@1 answered in \d+ ms$/,
    );
  });

  it('keeps the device quarantined when any model fails its probe run, and probes again after a longer backoff', async () => {
    const smallPath = join(root, 'mlp_small', '1', 'model.onnx');
    await pool.unloadModel(small.key); // the quickest model answers, the other one's run fails
    try {
      prober.schedule('cpu:0');
      clock.advance(1000);
      await until(() => /probe\(s\) failed/.test(health.get('cpu:0').reason));
      expect(pool.runs.map((r) => r.modelKey)).toEqual([tiny.key]);
      expect(health.get('cpu:0')).toMatchObject({ state: 'quarantined' });
      expect(health.get('cpu:0').reason).toBe(
        'pool process exited (SIGKILL); 1 probe(s) failed, the last: model mlp_small@1 is not loaded on cpu:0',
      );
    } finally {
      await pool.loadModel({ key: small.key, path: smallPath });
    }
    // the backoff doubled: nothing at +1 s, the next probe at +2 s re-admits it
    clock.advance(1000);
    await settle();
    expect(pool.runs).toHaveLength(1);
    clock.advance(1000);
    await until(() => health.get('cpu:0').state === 'healthy');
    expect(pool.runs.map((r) => r.modelKey)).toEqual([tiny.key, tiny.key, small.key]);
  });
});
