import { EwmaServiceTimeEstimator } from '../estimator/ewma-service-time-estimator';
import { SchedulingFramework } from '../framework/scheduling-framework';
import { deviceSnapshot, schedulingContext } from '../framework/testing/scheduling-context.fixture';
import { fastestDevicePolicy } from './fastest-device.policy';
import { leastLoadedPolicy } from './least-loaded.policy';
import { randomPolicy } from './random.policy';
import { roundRobinPolicy } from './round-robin.policy';

describe('baseline policies', () => {
  const framework = new SchedulingFramework();
  const ids = ['a', 'b', 'c', 'd'];

  it('round-robin cycles by decision number and skips a device that cannot run', () => {
    const devices = ids.map((deviceId) => deviceSnapshot({ deviceId }));
    devices[2].canRun = false;
    const ctx = schedulingContext(devices);
    const chosen: string[] = [];
    for (let seq = 0; seq < 8; seq++) {
      ctx.sequence = seq;
      const r = framework.schedule(roundRobinPolicy, ctx);
      chosen.push(r.status === 'scheduled' ? r.deviceId : '-');
    }
    expect(chosen).toEqual(['a', 'b', 'd', 'd', 'a', 'b', 'd', 'd']);
  });

  it('random is uniform over the devices that can run', () => {
    const devices = ids.map((deviceId) => deviceSnapshot({ deviceId }));
    devices[0].canRun = false;
    const ctx = schedulingContext(devices, { seed: 99 });
    const tally: Record<string, number> = { a: 0, b: 0, c: 0, d: 0 };
    for (let i = 0; i < 6000; i++) {
      const r = framework.schedule(randomPolicy, ctx);
      if (r.status === 'scheduled') tally[r.deviceId]++;
    }
    expect(tally.a).toBe(0);
    for (const id of ['b', 'c', 'd']) expect(Math.abs(tally[id] - 2000)).toBeLessThan(150);
  });

  it('least-loaded joins the shortest queue per slot', () => {
    const devices = [
      deviceSnapshot({ deviceId: 'a', queuedJobs: 3, inFlight: 1, capacity: 1 }),
      deviceSnapshot({ deviceId: 'b', queuedJobs: 6, inFlight: 4, capacity: 4 }),
    ];
    expect(framework.schedule(leastLoadedPolicy, schedulingContext(devices))).toMatchObject({ deviceId: 'b' });
    devices[0].queuedJobs = 1;
    expect(framework.schedule(leastLoadedPolicy, schedulingContext(devices))).toMatchObject({ deviceId: 'a' });
  });

  it('fastest-device picks the best service time at the batch size, whatever is queued', () => {
    const estimator = new EwmaServiceTimeEstimator();
    estimator.seed('m', 'a', [
      { batchSize: 1, ms: 1 },
      { batchSize: 64, ms: 100 },
    ]);
    estimator.seed('m', 'b', [
      { batchSize: 1, ms: 10 },
      { batchSize: 64, ms: 20 },
    ]);
    const devices = [deviceSnapshot({ deviceId: 'a', backlogMs: 1e6 }), deviceSnapshot({ deviceId: 'b' })];
    expect(framework.schedule(fastestDevicePolicy, schedulingContext(devices, { estimator, job: { batchSize: 1 } }))).toMatchObject({
      deviceId: 'a',
    });
    expect(framework.schedule(fastestDevicePolicy, schedulingContext(devices, { estimator, job: { batchSize: 64 } }))).toMatchObject({
      deviceId: 'b',
    });
  });
});
