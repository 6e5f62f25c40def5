import { DeadlineExceededError, InferenceFailedError, SwitchyardEvents, type SwitchyardEventMap } from '@switchyard/common';
import { type ServedModel } from '@switchyard/models';
import { maxRelativeError } from '@switchyard/models/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EwmaServiceTimeEstimator } from '../estimator/ewma-service-time-estimator';
import type { JobOutcome } from '../interfaces/inference-job.interface';
import { DeviceDispatcher } from './device-dispatcher';
import { remainingRunMs } from './device-load';
import { ManualClock } from './testing/manual-clock';
import { demoServedModel } from './testing/demo-served-model';
import { InlineOrtPool } from './testing/inline-ort-pool';
import { mlpJob, mlpTinyReference } from './testing/mlp-job.fixture';

const root = mkdtempSync(join(tmpdir(), 'sy-dispatch-'));

interface Rig {
  sut: DeviceDispatcher;
  pool: InlineOrtPool;
  clock: ManualClock;
  estimator: EwmaServiceTimeEstimator;
  events: SwitchyardEvents;
}

async function rig(capacity: number, models: Array<{ model: ServedModel; path: string }>): Promise<Rig> {
  const pool = new InlineOrtPool('cpu:0', capacity);
  for (const m of models) await pool.loadModel({ key: m.model.key, path: m.path });
  const clock = new ManualClock(1000);
  const estimator = new EwmaServiceTimeEstimator();
  const events = new SwitchyardEvents();
  const sut = new DeviceDispatcher({
    pool,
    clock,
    estimator,
    events,
    predictServiceMs: (key, rows) => estimator.estimate(key, 'cpu:0', rows)?.ms ?? 0,
  });
  return { sut, pool, clock, estimator, events };
}

const decision = { policy: 'test', deviceId: 'cpu:0' };
const output = (o: JobOutcome) => new Float32Array(o.outputs[0].data);
/** Lets settled promises and the dispatcher's follow-up pumps run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe(DeviceDispatcher.name, () => {
  let batching: { model: ServedModel; path: string };
  let unbatched: { model: ServedModel; path: string };
  let otherModel: { model: ServedModel; path: string };

  beforeAll(async () => {
    batching = await demoServedModel(root, 'mlp_tiny', {
      version: '5',
      configPatch: { dynamic_batching: { max_queue_delay_microseconds: 0 } },
    });
    unbatched = await demoServedModel(root, 'mlp_tiny', { configPatch: { max_batch_size: 0 } });
    unbatched.model.inputs[0].shape = [-1, 16];
    otherModel = await demoServedModel(root, 'mlp_tiny', { version: '2', configPatch: { max_batch_size: 0 } });
    otherModel.model.inputs[0].shape = [-1, 16];
  });

  it('never runs more tasks than the pool has slots, and every job gets its own correct rows', async () => {
    const { sut, pool, clock } = await rig(2, [unbatched]);
    pool.hold();
    const jobs = Array.from({ length: 6 }, (_, i) => mlpJob(unbatched.model, 1 + (i % 3), clock.now()));
    const outcomes = jobs.map(({ job }) => sut.enqueue({ job, decision, level: 5 }));
    expect(pool.stats().inFlight).toBe(2);
    expect(sut.queuedJobs).toBe(4);
    pool.release();
    const results = await Promise.all(outcomes);
    expect(pool.runs.length).toBe(6);
    results.forEach((r, i) => {
      expect(r.outputs[0].shape).toEqual([jobs[i].job.batchSize, 8]);
      expect(maxRelativeError(output(r), mlpTinyReference(jobs[i].values, jobs[i].job.batchSize))).toBeLessThan(1e-5);
    });
  });

  it('dispatches by priority level (1 first), FIFO within a level', async () => {
    const { sut, pool, clock } = await rig(1, [unbatched]);
    pool.hold();
    const order: string[] = [];
    const submit = (name: string, level: number) =>
      sut.enqueue({ job: mlpJob(unbatched.model, 1, clock.now()).job, decision, level }).then(() => order.push(name));
    const all = [submit('running', 5), submit('b5', 5), submit('c1', 1), submit('d5', 5), submit('e3', 3)];
    pool.release();
    await Promise.all(all);
    expect(order).toEqual(['running', 'c1', 'e3', 'b5', 'd5']);
  });

  it('shares a device fairly between models of the same priority', async () => {
    const { sut, pool, clock } = await rig(1, [unbatched, otherModel]);
    pool.hold();
    const all = [unbatched, unbatched, unbatched, otherModel, otherModel, otherModel].map(({ model }) =>
      sut.enqueue({ job: mlpJob(model, 1, clock.now()).job, decision, level: 5 }),
    );
    pool.release();
    await Promise.all(all);
    expect(pool.runs.map((r) => r.modelKey)).toEqual(['mlp_tiny@1', 'mlp_tiny@2', 'mlp_tiny@1', 'mlp_tiny@2', 'mlp_tiny@1', 'mlp_tiny@2']);
  });

  it('drops a job whose timeout expires in the queue with a 504, and lets the running task finish', async () => {
    const { sut, pool, clock, events } = await rig(1, [unbatched]);
    const rejected: SwitchyardEventMap['job.rejected'][] = [];
    events.on('job.rejected', (e) => rejected.push(e));
    pool.hold();
    const running = mlpJob(unbatched.model, 2, clock.now());
    const first = sut.enqueue({ job: running.job, decision, level: 5 });
    const doomed = sut.enqueue({
      job: mlpJob(unbatched.model, 1, clock.now(), { timeoutMs: 30 }).job,
      decision,
      level: 5,
      deadlineAt: clock.now() + 30,
    });
    const failure = doomed.catch((e: unknown) => e);
    clock.advance(29);
    expect(sut.queuedJobs).toBe(1);
    clock.advance(2);
    const error = await failure;
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as DeadlineExceededError).status).toBe(504);
    expect((error as Error).message).toBe('timed out after 30 ms in the queue of cpu:0');
    expect(rejected).toEqual([{ model: 'mlp_tiny@1', reason: 'expired', deviceId: 'cpu:0' }]);
    expect(sut.queuedJobs).toBe(0);
    pool.release();
    const done = await first;
    expect(maxRelativeError(output(done), mlpTinyReference(running.values, 2))).toBeLessThan(1e-5);
    expect(pool.runs.length).toBe(1);
  });

  it('merges queued compatible jobs into one run up to max_batch_size, and each gets its unbatched result', async () => {
    const { sut, pool, clock } = await rig(1, [batching]);
    pool.hold();
    const head = mlpJob(batching.model, 1, clock.now());
    const first = sut.enqueue({ job: head.job, decision, level: 5 });
    const rows = [3, 1, 7, 2, 5, 60, 4];
    const jobs = rows.map((n) => mlpJob(batching.model, n, clock.now()));
    const outcomes = jobs.map(({ job }) => sut.enqueue({ job, decision, level: 5 }));
    pool.release();
    await first;
    const results = await Promise.all(outcomes);
    // 3+1+7+2+5 = 18, the 60-row job does not fit next to them (max 64) but the 4-row one does
    expect(pool.runs.map((r) => r.rows)).toEqual([1, 22, 60]);
    expect(results.map((r) => r.executedBatchSize)).toEqual([22, 22, 22, 22, 22, 60, 22]);
    for (const [i, r] of results.entries()) {
      const alone = await pool.run({
        modelKey: batching.model.key,
        inputs: [{ ...jobs[i].job.inputs[0], data: jobs[i].values.slice().buffer }],
      });
      expect(r.outputs[0].shape).toEqual([rows[i], 8]);
      expect(maxRelativeError(output(r), new Float32Array(alone.outputs[0].data))).toBeLessThan(1e-6);
      expect(maxRelativeError(output(r), mlpTinyReference(jobs[i].values, rows[i]))).toBeLessThan(1e-5);
    }
  });

  it('holds a batch that is not full for max_queue_delay while a slot is free, then sends what arrived', async () => {
    const delayed = await demoServedModel(root, 'mlp_tiny', {
      configPatch: { max_batch_size: 8, dynamic_batching: { max_queue_delay_microseconds: 5000 } },
    });
    const { sut, pool, clock } = await rig(1, [delayed]);
    const a = sut.enqueue({ job: mlpJob(delayed.model, 2, clock.now()).job, decision, level: 5 });
    clock.advance(3);
    const b = sut.enqueue({ job: mlpJob(delayed.model, 3, clock.now()).job, decision, level: 5 });
    clock.advance(1.9);
    expect(pool.runs).toEqual([]);
    clock.advance(0.1);
    expect(pool.runs).toEqual([{ modelKey: delayed.model.key, rows: 5 }]);
    expect((await a).executedBatchSize).toBe(5);
    expect((await b).executedBatchSize).toBe(5);
    // a full batch does not wait
    const full = sut.enqueue({ job: mlpJob(delayed.model, 8, clock.now()).job, decision, level: 5 });
    expect(pool.runs.at(-1)).toEqual({ modelKey: delayed.model.key, rows: 8 });
    await full;
  });

  it('feeds every run to the estimator and publishes dispatch and completion events with the prediction', async () => {
    const { sut, clock, estimator, events } = await rig(1, [batching]);
    estimator.seed(batching.model.key, 'cpu:0', [{ batchSize: 4, ms: 123, samples: 1 }]);
    const dispatched: SwitchyardEventMap['batch.dispatched'][] = [];
    const completed: SwitchyardEventMap['job.completed'][] = [];
    events.on('batch.dispatched', (e) => dispatched.push(e));
    events.on('job.completed', (e) => completed.push(e));
    const { job } = mlpJob(batching.model, 4, clock.now());
    await sut.enqueue({ job, decision: { ...decision, predictedMs: 42 }, level: 5 });
    expect(dispatched).toEqual([{ deviceId: 'cpu:0', model: 'mlp_tiny@5', batchSize: 4, requests: 1 }]);
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ jobId: job.id, outcome: 'ok', policy: 'test', batchSize: 4, predictedMs: 42 });
    expect(completed[0].runMs).toBeGreaterThan(0);
    const learned = estimator.estimate(batching.model.key, 'cpu:0', 4)!;
    expect(learned.samples).toBe(2);
    expect(learned.ms).toBeLessThan(123); // a real mlp_tiny run takes far less than the seeded 123 ms
  });

  it('fails every job of a batch the pool cannot run, and keeps serving', async () => {
    const { sut, pool, clock } = await rig(1, [batching]);
    await pool.unloadModel(batching.model.key);
    const failing = [1, 2].map(() =>
      sut.enqueue({ job: mlpJob(batching.model, 1, clock.now()).job, decision, level: 5 }).catch((e: unknown) => e),
    );
    for (const error of await Promise.all(failing)) {
      expect(error).toBeInstanceOf(InferenceFailedError);
      expect((error as Error).message).toContain('is not loaded on cpu:0');
    }
    await pool.loadModel({ key: batching.model.key, path: batching.path });
    const { job, values } = mlpJob(batching.model, 1, clock.now());
    expect(maxRelativeError(output(await sut.enqueue({ job, decision, level: 5 })), mlpTinyReference(values, 1))).toBeLessThan(1e-5);
    await settle();
    expect(sut.state()).toMatchObject({ deviceId: 'cpu:0', inFlight: 0, queuedJobs: 0 });
  });

  it('waits for slots held by others (calibration) and takes them when they free', async () => {
    const { sut, pool, clock } = await rig(1, [unbatched]);
    pool.hold();
    const foreign = pool.run({ modelKey: unbatched.model.key, inputs: mlpJob(unbatched.model, 1, clock.now()).job.inputs });
    const { job, values } = mlpJob(unbatched.model, 2, clock.now());
    const queued = sut.enqueue({ job, decision, level: 5 });
    expect(sut.state()).toMatchObject({ inFlight: 1, queuedJobs: 1 });
    pool.release();
    await foreign;
    expect(pool.runs).toHaveLength(1);
    clock.advance(2);
    expect(pool.runs).toHaveLength(2);
    expect(maxRelativeError(output(await queued), mlpTinyReference(values, 2))).toBeLessThan(1e-5);
  });

  it('reports the backlog in the turns the models take, without the open batch of the model being placed', async () => {
    const { sut, pool, clock, estimator } = await rig(1, [unbatched, batching]);
    estimator.seed(unbatched.model.key, 'cpu:0', [{ batchSize: 1, ms: 10, samples: 3 }]);
    estimator.seed(batching.model.key, 'cpu:0', [
      { batchSize: 1, ms: 4, samples: 3 },
      { batchSize: 8, ms: 8, samples: 3 },
    ]);
    pool.hold();
    const all: Promise<unknown>[] = [];
    const add = (m: ServedModel, rows: number) => all.push(sut.enqueue({ job: mlpJob(m, rows, clock.now()).job, decision, level: 5 }));
    add(unbatched.model, 1); // running, predicted 10 ms
    add(unbatched.model, 1); // queued: 10 ms
    add(batching.model, 8); // open batch of mlp_tiny@1: 8 rows
    clock.advance(4);
    const forBatching = sut.load(batching.model.key);
    expect(forBatching.openBatchRows).toBe(8);
    // mlp_tiny@1 was never served, so its batch goes before the queued job of the model just served
    expect(forBatching.backlogMs).toBeCloseTo(6, 6);
    expect(forBatching.overtakenBatches).toBe(1);
    const forOther = sut.load(unbatched.model.key);
    expect(forOther.openBatchRows).toBe(0);
    expect(forOther.backlogMs).toBeCloseTo(6 + 10 + 8, 6);
    expect(forOther.overtakenBatches).toBe(0);
    pool.release();
    await Promise.all(all);
  });
});

describe(remainingRunMs.name, () => {
  it.each([
    [10, 0, 10, 'a fresh run: its prediction'],
    [10, 4, 6, 'within its prediction: what is left of it'],
    [10, 20, 0, 'late, not stalling yet (up to 2 x 10 + 5 ms): about to finish'],
    [10, 25, 0, 'at the stall threshold: still about to finish'],
    [10, 26, 26, 'stalling: counts at its age'],
    [10, 5000, 5000, 'a frozen device: its age, growing'],
    [0, 6, 6, 'an unknown run past the grace: its age'],
  ])('predicted %d ms, running for %d ms: %d ms left (%s)', (predicted, elapsed, left) => {
    expect(remainingRunMs(predicted, elapsed)).toBe(left);
  });
});
