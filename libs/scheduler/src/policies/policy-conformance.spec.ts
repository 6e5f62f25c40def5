import { EwmaServiceTimeEstimator } from '../estimator/ewma-service-time-estimator';
import { SchedulingFramework } from '../framework/scheduling-framework';
import { deviceSnapshot, schedulingContext } from '../framework/testing/scheduling-context.fixture';
import type { DeviceSnapshot, SchedulingContext, SchedulingPolicy } from '../interfaces/scheduling-policy.interface';
import { seededRandom } from '@switchyard/common';
import { DEFAULT_POLICY_FACTORIES } from './default-policy-factories';
import { PolicyRegistry } from './policy-registry';

/** A random but reproducible host: loads, costs, open batches, some devices unknown to the estimator. */
function randomHost(n: number, seed: number): { devices: DeviceSnapshot[]; estimator: EwmaServiceTimeEstimator } {
  const random = seededRandom(seed);
  const estimator = new EwmaServiceTimeEstimator();
  const devices = Array.from({ length: n }, (_, i) => {
    const deviceId = `dev:${i}`;
    if (random() < 0.8) {
      const fixed = 0.5 + random() * 20;
      const perRow = 0.05 + random() * 2;
      estimator.seed(
        'm',
        deviceId,
        [1, 8, 64].map((b) => ({ batchSize: b, ms: fixed + perRow * b, samples: random() < 0.5 ? 1 : 5 })),
      );
    }
    return deviceSnapshot({
      deviceId,
      kind: i % 3 === 0 ? 'cpu' : 'gpu',
      costWeight: random() * 3,
      canRun: random() < 0.7,
      capacity: 1 + Math.floor(random() * 8),
      inFlight: Math.floor(random() * 8),
      queuedJobs: Math.floor(random() * 20),
      backlogMs: random() * 200,
      openBatchRows: random() < 0.3 ? Math.floor(random() * 16) : 0,
      overtakenBatches: random() < 0.3 ? Math.floor(random() * 8) : 0,
      maxBatchSize: random() < 0.5 ? 32 : 0,
    });
  });
  return { devices, estimator };
}

/** Decision number i on ctx: the batch size varies with i; advances the sequence. */
function step(framework: SchedulingFramework, policy: SchedulingPolicy, ctx: SchedulingContext, i: number): string {
  ctx.job.batchSize = 1 + (i % 7) * 3;
  const result = framework.schedule(policy, ctx);
  ctx.sequence++;
  return result.status === 'scheduled' ? result.deviceId : '-';
}

function decide(framework: SchedulingFramework, policy: SchedulingPolicy, ctx: SchedulingContext, count: number): string[] {
  return Array.from({ length: count }, (_, i) => step(framework, policy, ctx, i));
}

const registry = new PolicyRegistry(DEFAULT_POLICY_FACTORIES);

describe.each(registry.names())('policy conformance: %s', (name) => {
  const sut = registry.get(name);
  const framework = new SchedulingFramework();

  it('carries its registered name', () => {
    expect(sut.name).toBe(name);
  });

  it.each([1, 2, 8, 64])('never picks a device that cannot run the job (%p devices)', (n) => {
    for (let seed = 1; seed <= 10; seed++) {
      const { devices, estimator } = randomHost(n, seed);
      devices[seed % n].canRun = true;
      const ctx = schedulingContext(devices, { estimator, seed });
      for (let i = 0; i < 25; i++) {
        const result = framework.schedule(sut, ctx);
        expect(result.status).toBe('scheduled');
        if (result.status !== 'scheduled') continue;
        expect(devices[result.deviceIndex].deviceId).toBe(result.deviceId);
        expect(devices[result.deviceIndex].canRun).toBe(true);
        ctx.sequence++;
      }
    }
  });

  it.each([1, 64])('returns unschedulable with a reason for each of %p devices when none can run', (n) => {
    const { devices, estimator } = randomHost(n, 5);
    for (const d of devices) d.canRun = false;
    const result = framework.schedule(sut, schedulingContext(devices, { estimator }));
    expect(result.status).toBe('unschedulable');
    if (result.status !== 'unschedulable') return;
    expect(Object.keys(result.reasons).sort()).toEqual(devices.map((d) => d.deviceId).sort());
    for (const reason of Object.values(result.reasons)) expect(reason).toBe('model not loaded on this device');
  });

  it('always picks the only device there is', () => {
    const { devices, estimator } = randomHost(1, 9);
    devices[0].canRun = true;
    const ctx = schedulingContext(devices, { estimator });
    expect(new Set(decide(framework, sut, ctx, 50))).toEqual(new Set([devices[0].deviceId]));
  });

  it('is deterministic given the same seed', () => {
    const run = () => {
      const { devices, estimator } = randomHost(64, 11);
      return decide(new SchedulingFramework(), sut, schedulingContext(devices, { estimator, seed: 77 }), 300);
    };
    expect(run()).toEqual(run());
  });

  it('keeps no state of its own: interleaved contexts decide as they would alone', () => {
    const context = (seed: number) => {
      const { devices, estimator } = randomHost(8, seed);
      return schedulingContext(devices, { estimator, seed });
    };
    const alone = decide(framework, sut, context(1), 100);
    const ctxA = context(1);
    const ctxB = context(2);
    const interleaved: string[] = [];
    for (let i = 0; i < 100; i++) {
      interleaved.push(step(framework, sut, ctxA, i));
      step(framework, sut, ctxB, i);
    }
    expect(interleaved).toEqual(alone);
  });

  it('refuses up front when no device can meet the deadline', () => {
    const devices = [deviceSnapshot({ deviceId: 'a', backlogMs: 80 }), deviceSnapshot({ deviceId: 'b', backlogMs: 30 })];
    const estimator = new EwmaServiceTimeEstimator();
    for (const d of devices) estimator.seed('m', d.deviceId, [{ batchSize: 1, ms: 10, samples: 10 }]);
    const ctx = schedulingContext(devices, { estimator, now: 500, job: { deadlineAt: 530 } });
    const result = framework.schedule(sut, ctx);
    expect(result).toEqual({
      status: 'unschedulable',
      reasons: {
        a: 'cannot meet deadline: predicted 90.0 ms > 30.0 ms left',
        b: 'cannot meet deadline: predicted 40.0 ms > 30.0 ms left',
      },
    });
    ctx.job.deadlineAt = 545;
    expect(framework.schedule(sut, ctx)).toMatchObject({ status: 'scheduled', deviceId: 'b', predictedMs: 40 });
  });
});
