import { EwmaServiceTimeEstimator } from '../estimator/ewma-service-time-estimator';
import type { ServiceTimeEstimator } from '../interfaces/service-time-estimator.interface';
import { backlogPerSlotMs } from './backlog-per-slot';
import { batchRowsOnDevice, predictFinishMs } from './finish-time';
import { deviceSnapshot, schedulingContext } from './testing/scheduling-context.fixture';

describe(predictFinishMs.name, () => {
  // service time 2 + 1 ms per row on the device
  const estimator = new EwmaServiceTimeEstimator();
  estimator.seed('m', 'cpu:0', [
    { batchSize: 1, ms: 3 },
    { batchSize: 64, ms: 66 },
  ]);
  const est = (rows: number) => 2 + rows;

  it('is backlog + est(b) for a job that starts its own batch', () => {
    const device = deviceSnapshot({ backlogMs: 12 });
    const ctx = schedulingContext([device], { estimator, job: { batchSize: 4 } });
    expect(batchRowsOnDevice(ctx, device)).toBe(4);
    expect(predictFinishMs(ctx, device)).toBeCloseTo(12 + est(4), 10);
  });

  it('is backlog + est(r + b) for a job that joins the open batch of r rows', () => {
    const device = deviceSnapshot({ backlogMs: 12, openBatchRows: 10, maxBatchSize: 16 });
    const ctx = schedulingContext([device], { estimator, job: { batchSize: 4 } });
    expect(batchRowsOnDevice(ctx, device)).toBe(14);
    expect(predictFinishMs(ctx, device)).toBeCloseTo(12 + est(14), 10);
  });

  it('adds the open batch ahead (per slot) when the job does not fit in it', () => {
    const device = deviceSnapshot({ backlogMs: 12, openBatchRows: 14, maxBatchSize: 16, capacity: 2 });
    const ctx = schedulingContext([device], { estimator, job: { batchSize: 4 } });
    expect(batchRowsOnDevice(ctx, device)).toBe(4);
    expect(predictFinishMs(ctx, device)).toBeCloseTo(12 + est(14) / 2 + est(4), 10);
  });

  it('never joins when the model does not batch', () => {
    const device = deviceSnapshot({ openBatchRows: 1, maxBatchSize: 0 });
    const ctx = schedulingContext([device], { estimator, job: { batchSize: 1 } });
    expect(batchRowsOnDevice(ctx, device)).toBe(1);
    expect(predictFinishMs(ctx, device)).toBeCloseTo(est(1) + est(1), 10);
  });

  it('works the same with an estimator that only implements estimate()', () => {
    const plain: ServiceTimeEstimator = {
      estimate: (model, device, rows) => (model === 'm' && device === 'cpu:0' ? { ms: est(rows), samples: 1 } : undefined),
      observe: () => undefined,
    };
    const device = deviceSnapshot({ backlogMs: 12, openBatchRows: 14, maxBatchSize: 16, capacity: 2 });
    for (const batchSize of [1, 2, 4]) {
      const a = predictFinishMs(schedulingContext([device], { estimator: plain, job: { batchSize } }), device);
      const b = predictFinishMs(schedulingContext([device], { estimator, job: { batchSize } }), device);
      expect(a).toBeCloseTo(b as number, 10);
    }
    expect(
      predictFinishMs(schedulingContext([deviceSnapshot({ deviceId: 'x' })], { estimator: plain }), deviceSnapshot({ deviceId: 'x' })),
    ).toBeUndefined();
  });

  it('is undefined when nothing is known of the pair', () => {
    const device = deviceSnapshot({ deviceId: 'gpu:0' });
    expect(predictFinishMs(schedulingContext([device], { estimator }), device)).toBeUndefined();
  });
});

describe(backlogPerSlotMs.name, () => {
  it.each([
    [100, 3, 0, 4, 0],
    [100, 2, 1, 4, 0],
    [100, 4, 0, 4, 25],
    [100, 3, 5, 4, 25],
    [50, 1, 0, 1, 50],
    [50, 1, 0, 0, 50],
  ])('work %p ms, %p busy, %p waiting, %p slots -> %p ms', (work, busy, waiting, capacity, expected) => {
    expect(backlogPerSlotMs(work, busy, waiting, capacity)).toBe(expected);
  });
});
