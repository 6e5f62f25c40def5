import {
  DeadlineExceededError,
  InferenceFailedError,
  InvalidRequestError,
  NotFoundError,
  OverloadedError,
  SwitchyardEvents,
  UnavailableError,
  type SwitchyardEventMap,
} from '@switchyard/common';
import { loadConfig } from '@switchyard/config';
import { type ServedModel } from '@switchyard/models';
import { maxRelativeError } from '@switchyard/models/testing';
import type { DevicePool, RuntimeService } from '@switchyard/runtime';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from './dispatch/testing/manual-clock';
import { demoServedModel } from './dispatch/testing/demo-served-model';
import { InlineOrtPool } from './dispatch/testing/inline-ort-pool';
import { mlpJob, mlpTinyReference } from './dispatch/testing/mlp-job.fixture';
import { EwmaServiceTimeEstimator } from './estimator/ewma-service-time-estimator';
import { SchedulingFramework } from './framework/scheduling-framework';
import { DEFAULT_POLICY_FACTORIES } from './policies/default-policy-factories';
import { PolicyRegistry } from './policies/policy-registry';
import { PINNED_POLICY, SchedulerService } from './scheduler.service';
import { DeviceHealthService } from '@switchyard/devices';
import type { ModelRepositoryService } from '@switchyard/models';
import { DeviceProber } from './health/device-prober';
import { DeviceQuarantinedError } from './errors/device-quarantined.error';

const root = mkdtempSync(join(tmpdir(), 'sy-scheduler-'));

/** The pools a RuntimeService would hold: here two real inline ORT pools. */
function runtimeOf(pools: DevicePool[]): RuntimeService {
  return { pools: () => pools, pool: (id: string) => pools.find((p) => p.device.id === id) } as unknown as RuntimeService;
}

describe(SchedulerService.name, () => {
  let served: { model: ServedModel; path: string };
  let fast: InlineOrtPool;
  let slow: InlineOrtPool;
  let clock: ManualClock;
  let estimator: EwmaServiceTimeEstimator;
  let events: SwitchyardEvents;
  let sut: SchedulerService;
  let health: DeviceHealthService;

  beforeAll(async () => {
    // no queue delay: the manual clock does not move unless a test moves it
    served = await demoServedModel(root, 'mlp_tiny', {
      devices: ['cpu:0', 'cpu:1'],
      configPatch: { dynamic_batching: { max_queue_delay_microseconds: 0 } },
    });
  });

  beforeEach(async () => {
    fast = new InlineOrtPool('cpu:0', 1);
    slow = new InlineOrtPool('cpu:1', 1);
    for (const p of [fast, slow]) await p.loadModel({ key: served.model.key, path: served.path });
    clock = new ManualClock(5000);
    estimator = new EwmaServiceTimeEstimator();
    events = new SwitchyardEvents();
    const config = loadConfig({}, { SCHEDULER_POLICY: 'adaptive', MAX_QUEUED_PER_DEVICE: 3, RUN_TIMEOUT_FLOOR_MS: 1000 });
    const runtime = runtimeOf([fast, slow]);
    health = new DeviceHealthService(config, events);
    const models = { list: () => [served.model] } as unknown as ModelRepositoryService;
    const prober = new DeviceProber(config, runtime, models, estimator, health, clock);
    sut = new SchedulerService(
      config,
      runtime,
      new PolicyRegistry(DEFAULT_POLICY_FACTORIES),
      new SchedulingFramework(),
      estimator,
      events,
      clock,
      health,
      prober,
    );
    sut.onModuleInit();
  });

  afterEach(async () => {
    sut.onApplicationShutdown();
    await Promise.all([fast.close(), slow.close()]);
  });

  /** Calibrated-looking estimates: cpu:1 ten times slower than cpu:0 at every batch size. */
  function seedEstimates(fastMs = 2, slowMs = 20): void {
    // every power-of-two bucket up to 64, so no batch size is under-sampled: the adaptive policy
    // explores an under-sampled bucket at random (5 % per decision), which made placements here vary
    const points = (ms: number) => [1, 2, 4, 8, 16, 32, 64].map((b) => ({ batchSize: b, ms: ms * (1 + b / 8), samples: 5 }));
    estimator.seed(served.model.key, 'cpu:0', points(fastMs));
    estimator.seed(served.model.key, 'cpu:1', points(slowMs));
  }

  it('places a job with the adaptive policy on the device predicted to finish first and returns its real outputs', async () => {
    seedEstimates();
    const decisions: SwitchyardEventMap['scheduler.decision'][] = [];
    events.on('scheduler.decision', (e) => decisions.push(e));
    const { job, values } = mlpJob(served.model, 3, clock.now());
    const outcome = await sut.submit(job);
    expect(outcome.decision).toMatchObject({ policy: 'adaptive', deviceId: 'cpu:0' });
    expect(outcome.decision.predictedMs).toBeCloseTo(2 * (1 + 3 / 8), 1);
    expect(maxRelativeError(new Float32Array(outcome.outputs[0].data), mlpTinyReference(values, 3))).toBeLessThan(1e-5);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ policy: 'adaptive', model: served.model.key, deviceId: 'cpu:0' });
    expect(decisions[0].decisionUs).toBeGreaterThan(0);
    expect(sut.recentDecisions()[0]).toMatchObject({ jobId: job.id, deviceId: 'cpu:0', outcome: 'ok', executedBatchSize: 3 });
    expect(fast.runs).toHaveLength(1);
    expect(slow.runs).toHaveLength(0);
  });

  it('sends work to the slower device once the faster one is backed up', async () => {
    seedEstimates(10, 15);
    fast.hold();
    slow.hold();
    const jobs = [1, 2, 3].map(() => sut.submit(mlpJob(served.model, 64, clock.now()).job));
    expect(fast.runs.length + slow.runs.length).toBe(2);
    expect(slow.runs).toHaveLength(1);
    fast.release();
    slow.release();
    const outcomes = await Promise.all(jobs);
    expect(outcomes.map((o) => o.decision.deviceId).sort()).toEqual(['cpu:0', 'cpu:0', 'cpu:1']);
  });

  it('uses the policy a job names', async () => {
    seedEstimates();
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await sut.submit(mlpJob(served.model, 1, clock.now(), { policy: 'round-robin' }).job));
    expect(outcomes.map((o) => o.decision.policy)).toEqual(['round-robin', 'round-robin', 'round-robin', 'round-robin']);
    expect(new Set(outcomes.map((o) => o.decision.deviceId))).toEqual(new Set(['cpu:0', 'cpu:1']));
  });

  it('refuses an unknown policy with a 400 that lists the known ones', async () => {
    const error = await sut.submit(mlpJob(served.model, 1, clock.now(), { policy: 'fastest-horse' }).job).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toBe(
      'unknown scheduling policy "fastest-horse"; known: adaptive, adaptive-cost-blind, round-robin, random, least-loaded, fastest-device',
    );
  });

  it('places a pinned job on its device even when another is faster', async () => {
    seedEstimates();
    const outcome = await sut.submit(mlpJob(served.model, 1, clock.now(), { device: 'cpu:1' }).job);
    expect(outcome.decision).toMatchObject({ policy: PINNED_POLICY, deviceId: 'cpu:1' });
    expect(slow.runs).toHaveLength(1);
  });

  it.each([
    ['gpu:7', NotFoundError, 404, 'unknown device "gpu:7"; devices: cpu:0, cpu:1'],
    ['cpu:1', InvalidRequestError, 400, 'model mlp_tiny@1 is not loaded on device cpu:1'],
  ])('refuses a job pinned to %s', async (device, type, status, message) => {
    const model = { ...served.model, devices: ['cpu:0'] };
    const error = await sut.submit(mlpJob(model, 1, clock.now(), { device }).job).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as NotFoundError).status).toBe(status);
    expect((error as Error).message).toBe(message);
  });

  it('answers 503 when no usable device has the model', async () => {
    const rejected: SwitchyardEventMap['job.rejected'][] = [];
    events.on('job.rejected', (e) => rejected.push(e));
    const model = { ...served.model, devices: ['npu:0'] };
    const error = await sut.submit(mlpJob(model, 1, clock.now()).job).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toBe('no usable device can run mlp_tiny@1 (loaded on: npu:0)');
    expect(rejected).toEqual([{ model: 'mlp_tiny@1', reason: 'no_device' }]);
  });

  it('refuses with 429 and Retry-After when every queue is full', async () => {
    seedEstimates(800, 1500);
    fast.hold();
    slow.hold();
    // one running and three queued (the limit) per device; 64 rows each so that none are merged
    const admitted = Array.from({ length: 8 }, () => sut.submit(mlpJob(served.model, 64, clock.now(), { policy: 'least-loaded' }).job));
    const error = await sut.submit(mlpJob(served.model, 1, clock.now()).job).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OverloadedError);
    expect((error as Error).message).toBe('queues are full (3 jobs) on cpu:0, cpu:1');
    expect((error as OverloadedError).retryAfterSeconds).toBeGreaterThanOrEqual(2);
    fast.release();
    slow.release();
    await Promise.all(admitted);
  });

  it('refuses up front, with 429 and Retry-After, a job whose timeout no device can meet', async () => {
    seedEstimates(40, 90);
    const rejected: SwitchyardEventMap['job.rejected'][] = [];
    events.on('job.rejected', (e) => rejected.push(e));
    const error = await sut.submit(mlpJob(served.model, 1, clock.now(), { timeoutMs: 20 }).job).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OverloadedError);
    expect((error as Error).message).toMatch(
      /^no device can finish mlp_tiny@1 within its timeout of 20 ms: cpu:0: cannot meet deadline: predicted 45\.0 ms > 20\.0 ms left; cpu:1: cannot meet deadline/,
    );
    expect((error as OverloadedError).retryAfterSeconds).toBe(1);
    expect(rejected).toEqual([{ model: 'mlp_tiny@1', reason: 'deadline' }]);
    expect(fast.runs.length + slow.runs.length).toBe(0);
    // the same job with a timeout that can be met runs
    const ok = await sut.submit(mlpJob(served.model, 1, clock.now(), { timeoutMs: 60 }).job);
    expect(ok.decision.deviceId).toBe('cpu:0');
  });

  it('maps priority 0 to the default level, below priority 1', async () => {
    seedEstimates();
    fast.hold();
    const order: string[] = [];
    const submit = (name: string, priority: number) =>
      sut.submit(mlpJob(served.model, 64, clock.now(), { priority, device: 'cpu:0' }).job).then(() => order.push(name));
    const all = [submit('running', 0), submit('default', 0), submit('low', 9), submit('high', 1)];
    fast.release();
    await Promise.all(all);
    expect(order).toEqual(['running', 'high', 'default', 'low']);
  });

  it("places a job by its own priority level: its model's queued jobs at a worse level do not count ahead of it", async () => {
    seedEstimates(2, 5); // 64 rows: cpu:0 18 ms, cpu:1 45 ms
    fast.hold();
    const pinned = (priority: number) => sut.submit(mlpJob(served.model, 64, clock.now(), { priority, device: 'cpu:0' }).job);
    const held = [pinned(0), pinned(9), pinned(9)];
    // cpu:0 runs one batch (18 ms left) with two at level 9 queued. At priority 1 the job goes to
    // the front there: 18 + 18 = 36 ms against 45 on cpu:1 (judged by its queue's level 9 it would
    // wait for both: 18 + 18 + 18 + 18 = 72)
    const high = sut.submit(mlpJob(served.model, 64, clock.now(), { priority: 1 }).job);
    fast.release();
    expect((await high).decision.deviceId).toBe('cpu:0');
    await Promise.all(held);
  });

  it('learns from completed jobs: a device with no estimates gets one from its first run', async () => {
    expect(estimator.estimate(served.model.key, 'cpu:0', 1)).toBeUndefined();
    await sut.submit(mlpJob(served.model, 1, clock.now(), { device: 'cpu:0' }).job);
    expect(estimator.estimate(served.model.key, 'cpu:0', 1)).toMatchObject({ samples: 1 });
    expect(sut.queues().map((q) => [q.deviceId, q.queuedJobs])).toEqual([
      ['cpu:0', 0],
      ['cpu:1', 0],
    ]);
  });

  describe('faults', () => {
    /** Lets settled promises, the retries they start and the dispatchers' pumps run. */
    const settle = async (rounds = 5) => {
      for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
    };
    const deviceOf = (jobId: string) => sut.recentDecisions().find((d) => d.jobId === jobId)?.deviceId;

    it('moves placement off a device whose run stalls, once it runs past about twice its prediction', async () => {
      seedEstimates(20, 60); // batch 1: cpu:0 22.5 ms, cpu:1 67.5 ms
      fast.hold();
      const a = mlpJob(served.model, 1, clock.now()).job;
      const running = sut.submit(a);
      expect(deviceOf(a.id)).toBe('cpu:0');
      clock.advance(30); // past its prediction, not stalling yet: cpu:0 still finishes first
      const b = mlpJob(served.model, 1, clock.now()).job;
      const queued = sut.submit(b);
      expect(deviceOf(b.id)).toBe('cpu:0');
      // 51 ms = 2 x 22.5 + 5 + 1: the stalling run counts at its age, so joining b there would finish
      // at 51 + est(2 rows) = 76 ms > 67.5 ms on cpu:1 (counted at 0 it would be 25 ms)
      clock.advance(21);
      const c = mlpJob(served.model, 1, clock.now()).job;
      const moved = await sut.submit(c);
      expect(moved.decision.deviceId).toBe('cpu:1');
      fast.release();
      await Promise.all([running, queued]);
    });

    it('moves the queued jobs of a stalling device elsewhere before any bound fires, blaming nobody', async () => {
      seedEstimates(20, 60);
      fast.hold();
      const running = sut.submit(mlpJob(served.model, 1, clock.now()).job);
      const waiting = mlpJob(served.model, 1, clock.now());
      const queued = sut.submit(waiting.job);
      expect(deviceOf(waiting.job.id)).toBe('cpu:0');
      clock.advance(94);
      await settle();
      expect(slow.runs).toHaveLength(0);
      clock.advance(1); // 2 x 22.5 + 50 ms: the running batch stalls, its queue is handed back
      const moved = await queued;
      expect(moved).toMatchObject({ attempts: 2, retriedFrom: 'cpu:0', decision: { deviceId: 'cpu:1' } });
      expect(maxRelativeError(new Float32Array(moved.outputs[0].data), mlpTinyReference(waiting.values, 1))).toBeLessThan(1e-5);
      expect(health.get('cpu:0').state).toBe('healthy');
      fast.release();
      await running;
    });

    it('keeps a queued job on a stalling device when no other device has its model', async () => {
      seedEstimates(20, 60);
      const model = { ...served.model, devices: ['cpu:0'] };
      fast.hold();
      const running = sut.submit(mlpJob(model, 1, clock.now()).job);
      const queued = sut.submit(mlpJob(model, 1, clock.now()).job);
      clock.advance(95);
      await settle();
      expect(sut.queues().find((q) => q.deviceId === 'cpu:0')?.queuedJobs).toBe(1);
      fast.release();
      const [, waited] = await Promise.all([running, queued]);
      expect(waited).toMatchObject({ attempts: 2, retriedFrom: 'cpu:0', decision: { deviceId: 'cpu:0' } });
    });

    it('keeps a job with nowhere else to go through more stalls of its device than a job may be moved', async () => {
      seedEstimates(20, 60); // batch 1 on cpu:0: 22.5 ms, so a run stalls at 2 x 22.5 + 50 = 95 ms
      const model = { ...served.model, devices: ['cpu:0'] };
      fast.hold();
      const first = sut.submit(mlpJob(model, 1, clock.now()).job);
      const waiting = mlpJob(model, 1, clock.now());
      const queued = sut.submit(waiting.job);
      const ahead: Array<Promise<unknown>> = [first];
      // five stalls in a row, each of another run; MAX_STALL_MOVES is 3
      for (let stall = 0; stall < 5; stall++) {
        if (stall > 0) {
          // a job of the highest priority goes ahead of the waiting one and is the next run to stall
          // (naming its output, it is not batched with the waiting one)
          const next = mlpJob(model, 1, clock.now()).job;
          ahead.push(sut.submit({ ...next, priority: 1, outputNames: ['output'] }));
          fast.release();
          fast.hold();
          await settle();
        }
        clock.advance(95);
        await settle();
        expect(sut.queues().find((q) => q.deviceId === 'cpu:0')?.queuedJobs).toBe(1);
      }
      fast.release();
      const [done] = await Promise.all([queued, ...ahead]);
      expect(done).toMatchObject({ attempts: 6, retriedFrom: 'cpu:0', decision: { deviceId: 'cpu:0' } });
      expect(maxRelativeError(new Float32Array(done.outputs[0].data), mlpTinyReference(waiting.values, 1))).toBeLessThan(1e-5);
    });

    it('retries a job whose run failed on another device, says so, and then holds the first device to account', async () => {
      seedEstimates();
      fast.failNext(1);
      const { job, values } = mlpJob(served.model, 2, clock.now());
      const outcome = await sut.submit(job);
      expect(outcome).toMatchObject({ attempts: 2, retriedFrom: 'cpu:0', decision: { deviceId: 'cpu:1' } });
      expect(maxRelativeError(new Float32Array(outcome.outputs[0].data), mlpTinyReference(values, 2))).toBeLessThan(1e-5);
      expect(health.get('cpu:0')).toMatchObject({
        state: 'degraded',
        reason: 'a run failed: inference on cpu:0 failed: injected device error',
      });
      expect(health.get('cpu:1').state).toBe('healthy');
    });

    it('blames no device for a failure that follows the job everywhere, and retries it only once', async () => {
      seedEstimates();
      fast.failNext(1, 'bad input');
      slow.failNext(1, 'bad input');
      const error = await sut.submit(mlpJob(served.model, 1, clock.now()).job).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InferenceFailedError);
      expect((error as Error).message).toBe('inference on cpu:1 failed: bad input'); // the last attempt's error
      expect(fast.runs.length + slow.runs.length).toBe(2);
      expect([health.get('cpu:0').state, health.get('cpu:1').state]).toEqual(['healthy', 'healthy']);
    });

    it('never moves a pinned job: its failure is its answer', async () => {
      seedEstimates();
      fast.failNext(1);
      const error = await sut.submit(mlpJob(served.model, 1, clock.now(), { device: 'cpu:0' }).job).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InferenceFailedError);
      expect(slow.runs).toHaveLength(0);
    });

    it('answers a job by its deadline while its run is still going', async () => {
      seedEstimates(20, 60);
      fast.hold();
      const late = sut.submit(mlpJob(served.model, 1, clock.now(), { timeoutMs: 100 }).job).catch((e: unknown) => e);
      clock.advance(99);
      await settle();
      clock.advance(1);
      const error = await late;
      expect(error).toBeInstanceOf(DeadlineExceededError);
      expect((error as Error).message).toBe('no answer within its timeout of 100 ms: its run on cpu:0 is still going');
      fast.release();
    });

    it("gives a device's first run of a model 30 s more before declaring it hung (a GPU compiles its kernels then)", async () => {
      // nothing measured: predicted 0 ms, bound = floor 1000 ms + 30 000 ms
      fast.hold();
      const first = sut.submit(mlpJob(served.model, 1, clock.now(), { device: 'cpu:0' }).job).catch((e: unknown) => e);
      clock.advance(30_999);
      await settle();
      expect(fast.aborted).toBe(0);
      expect(health.get('cpu:0').state).toBe('healthy');
      clock.advance(1);
      expect(await first).toBeInstanceOf(InferenceFailedError);
      expect(fast.aborted).toBe(1);
      expect(health.get('cpu:0').reason).toMatch(/^the run on cpu:0 was abandoned as hung \(no answer after 31000 ms \(predicted 0 ms\)\)/);
      fast.release();
    });

    it('declares a run past its bound hung, quarantines the device, re-places its jobs, and re-admits it after a good probe', async () => {
      seedEstimates(20, 60); // bound: max(floor 1000 ms, 20 x 22.5 ms) = 1000 ms
      const changes: SwitchyardEventMap['device.health'][] = [];
      events.on('device.health', (e) => changes.push(e));
      fast.hold();
      const runningJob = mlpJob(served.model, 1, clock.now());
      const queuedJob = mlpJob(served.model, 64, clock.now());
      const running = sut.submit(runningJob.job);
      const queued = sut.submit(queuedJob.job);
      expect([deviceOf(runningJob.job.id), deviceOf(queuedJob.job.id)]).toEqual(['cpu:0', 'cpu:0']);
      expect(sut.servable(served.model)).toBe(true);
      clock.advance(999);
      await settle();
      expect(health.get('cpu:0').state).toBe('healthy');
      clock.advance(1);
      const [ran, moved] = await Promise.all([running, queued]);
      expect(fast.aborted).toBe(1);
      expect(ran).toMatchObject({ attempts: 2, retriedFrom: 'cpu:0', decision: { deviceId: 'cpu:1' } });
      expect(moved).toMatchObject({ attempts: 2, retriedFrom: 'cpu:0', decision: { deviceId: 'cpu:1' } });
      expect(maxRelativeError(new Float32Array(ran.outputs[0].data), mlpTinyReference(runningJob.values, 1))).toBeLessThan(1e-5);
      expect(health.get('cpu:0')).toMatchObject({ state: 'quarantined' });
      expect(health.get('cpu:0').reason).toMatch(
        /^the run on cpu:0 was abandoned as hung \(no answer after 1000 ms \(predicted 22\.5 ms\)\)/,
      );
      // no new work for it, not even a pinned job; the model stays servable on cpu:1
      const next = await sut.submit(mlpJob(served.model, 1, clock.now()).job);
      expect(next.decision.deviceId).toBe('cpu:1');
      const pinned = await sut.submit(mlpJob(served.model, 1, clock.now(), { device: 'cpu:0' }).job).catch((e: unknown) => e);
      expect(pinned).toBeInstanceOf(DeviceQuarantinedError);
      expect((pinned as DeviceQuarantinedError).status).toBe(503);
      expect(sut.servable(served.model)).toBe(true);
      expect(sut.servable({ ...served.model, devices: ['cpu:0'] })).toBe(false);
      // the device recovers; after the probe backoff (1 s) a probe run re-admits it
      fast.release();
      const runsBefore = fast.runs.length;
      clock.advance(1000);
      for (let i = 0; i < 50 && health.get('cpu:0').state !== 'healthy'; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(fast.runs.length).toBe(runsBefore + 1);
      expect(health.get('cpu:0')).toMatchObject({ state: 'healthy' });
      expect(health.get('cpu:0').reason).toMatch(/^re-admitted: a probe run of mlp_tiny@1 answered in \d+ ms$/);
      expect(changes.map((c) => `${c.from}->${c.to}`)).toEqual(['healthy->quarantined', 'quarantined->healthy']);
      const back = await sut.submit(mlpJob(served.model, 1, clock.now()).job);
      expect(back.decision.deviceId).toBe('cpu:0');
    });
  });
});
