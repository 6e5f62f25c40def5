import { SwitchyardEvents, type WireTensor, seededRandom } from '@switchyard/common';
import type { DeviceInfo } from '@switchyard/devices';
import { maxRelativeError } from '@switchyard/models/testing';
import { PiscinaDevicePool } from '@switchyard/runtime/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EwmaServiceTimeEstimator } from '../estimator/ewma-service-time-estimator';
import type { InferenceJob } from '../interfaces/inference-job.interface';
import { DeviceDispatcher } from './device-dispatcher';
import { SystemClock } from './system-clock';
import { demoServedModel } from './testing/demo-served-model';
import { mlpJob, mlpTinyReference } from './testing/mlp-job.fixture';

const cpu: DeviceInfo = {
  id: 'cpu:0',
  kind: 'cpu',
  vendor: 'test',
  name: 'cpu',
  executionProvider: 'cpu',
  usable: true,
  costWeight: 1,
  details: {},
};
const root = mkdtempSync(join(tmpdir(), 'sy-batch-pool-'));

/**
 * Dynamic batching through the production worker pool (piscina + the ORT worker): a long queue
 * delay makes the jobs submitted together share one session run.
 */
describe('dynamic batching on a runtime pool', () => {
  let pool: PiscinaDevicePool;

  beforeAll(async () => {
    pool = new PiscinaDevicePool({ device: cpu, workers: 1, concurrentTasksPerWorker: 1, intraOpThreads: 1 });
    await pool.start();
  });

  afterAll(async () => {
    await pool.close();
  });

  function dispatcher(): DeviceDispatcher {
    const estimator = new EwmaServiceTimeEstimator();
    return new DeviceDispatcher({ pool, clock: new SystemClock(), estimator, events: new SwitchyardEvents(), predictServiceMs: () => 0 });
  }

  it('gives every request of a merged batch the result of its unbatched run (mlp_tiny, random inputs)', async () => {
    const { model, path } = await demoServedModel(root, 'mlp_tiny', {
      configPatch: { dynamic_batching: { max_queue_delay_microseconds: 200_000 } },
    });
    await pool.loadModel({ key: model.key, path });
    const sut = dispatcher();
    const random = seededRandom(42);
    const jobs = Array.from({ length: 7 }, (_, i) => mlpJob(model, 1 + Math.floor(random() * 9), performance.now(), {}, 100 + i));
    const completedBefore = pool.stats().completed;
    const outcomes = await Promise.all(
      jobs.map(({ job }) => sut.enqueue({ job, decision: { policy: 'test', deviceId: 'cpu:0' }, level: 5 })),
    );
    const rows = jobs.reduce((n, j) => n + j.job.batchSize, 0);
    expect(pool.stats().completed - completedBefore).toBe(1);
    for (const [i, outcome] of outcomes.entries()) {
      const { job, values } = jobs[i];
      expect(outcome.executedBatchSize).toBe(rows);
      const alone = await pool.run({ modelKey: model.key, inputs: [{ ...job.inputs[0], data: values.slice().buffer }] });
      const batched = new Float32Array(outcome.outputs[0].data);
      expect(outcome.outputs[0].shape).toEqual([job.batchSize, 8]);
      expect(maxRelativeError(batched, new Float32Array(alone.outputs[0].data))).toBeLessThan(1e-6);
      expect(maxRelativeError(batched, mlpTinyReference(values, job.batchSize))).toBeLessThan(1e-5);
    }
  });

  it('merges and splits every dtype byte-exactly (dtype_echo made batching: 1, 2 and 8-byte elements)', async () => {
    const { model, path } = await demoServedModel(root, 'dtype_echo', {
      configPatch: { max_batch_size: 16, dynamic_batching: { max_queue_delay_microseconds: 200_000 } },
    });
    await pool.loadModel({ key: model.key, path });
    const sut = dispatcher();
    const random = seededRandom(7);
    const bytes: Record<string, number> = { FP32: 4, FP16: 2, INT64: 8, INT32: 4, INT8: 1, UINT8: 1, BOOL: 1 };
    const makeJob = (n: number): InferenceJob => ({
      id: `echo-${n}`,
      model,
      batchSize: n,
      receivedAt: performance.now(),
      inputs: model.config.input.map((spec): WireTensor => {
        const data = new Uint8Array(n * bytes[spec.data_type]);
        for (let i = 0; i < data.length; i++) data[i] = Math.floor(random() * 256);
        if (spec.data_type === 'BOOL') data.forEach((v, i) => (data[i] = v & 1));
        if (spec.data_type === 'FP16') new Uint16Array(data.buffer).forEach((v, i, a) => (a[i] = v & 0x3bff)); // finite halves
        if (spec.data_type === 'FP32') new Float32Array(data.buffer).forEach((_, i, a) => (a[i] = random()));
        return { name: spec.name, datatype: spec.data_type, shape: [n], data: data.buffer };
      }),
    });
    const jobs = [3, 1, 5, 2].map(makeJob);
    const expected = jobs.map((j) =>
      j.inputs.map((t) => ({ name: t.name.replace('in_', 'out_'), bytes: [...new Uint8Array(t.data.slice(0))] })),
    );
    const completedBefore = pool.stats().completed;
    const outcomes = await Promise.all(jobs.map((job) => sut.enqueue({ job, decision: { policy: 'test', deviceId: 'cpu:0' }, level: 5 })));
    expect(pool.stats().completed - completedBefore).toBe(1);
    outcomes.forEach((outcome, i) => {
      expect(outcome.executedBatchSize).toBe(11);
      for (const want of expected[i]) {
        const got = outcome.outputs.find((o) => o.name === want.name)!;
        expect(got.shape).toEqual([jobs[i].batchSize]);
        expect([...new Uint8Array(got.data)]).toEqual(want.bytes);
      }
    });
  });
});
