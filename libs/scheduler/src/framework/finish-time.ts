import { slotsOf } from './backlog-per-slot';
import type { DeviceSnapshot, SchedulingContext } from '../interfaces/scheduling-policy.interface';
import type { ServiceTimeEstimate, ServiceTimeEstimator } from '../interfaces/service-time-estimator.interface';

/**
 * Scratch estimates. Safe to share: each is filled and read within one synchronous call and never
 * read across calls (they only spare the hot path an allocation per device).
 */
const openBatch: ServiceTimeEstimate = { ms: 0, samples: 0 };
const run: ServiceTimeEstimate = { ms: 0, samples: 0 };

/**
 * The estimator's prediction for `rows` of the model on the device, written into `out`; false when
 * nothing is known of the pair. Allocation-free when the estimator has `estimateInto`.
 */
export function readEstimate(
  estimator: ServiceTimeEstimator,
  modelKey: string,
  deviceId: string,
  rows: number,
  out: ServiceTimeEstimate,
): boolean {
  if (estimator.estimateInto !== undefined) return estimator.estimateInto(modelKey, deviceId, rows, out);
  const estimate = estimator.estimate(modelKey, deviceId, rows);
  if (estimate === undefined) return false;
  out.ms = estimate.ms;
  out.samples = estimate.samples;
  out.passedOver = estimate.passedOver;
  return true;
}

/**
 * Rows of the session run the job will be part of on `device`: r + b when it joins the open batch
 * of its model there (the model batches and r + b fits), else its own b.
 */
export function batchRowsOnDevice(ctx: SchedulingContext, device: DeviceSnapshot): number {
  const b = ctx.job.batchSize;
  const r = device.openBatchRows;
  return r > 0 && device.maxBatchSize > 0 && r + b <= device.maxBatchSize ? r + b : b;
}

/**
 * Predicted ms from now until the job's session run can start on `device`: the backlog, plus,
 * when the job cannot join the open batch of its model, that batch's share of a slot (it runs
 * first). `rows` is {@link batchRowsOnDevice}'s answer.
 */
export function waitBeforeRunMs(ctx: SchedulingContext, device: DeviceSnapshot, rows: number): number {
  const r = device.openBatchRows;
  if (r === 0 || rows > ctx.job.batchSize) return device.backlogMs;
  if (!readEstimate(ctx.estimator, ctx.job.modelKey, device.deviceId, r, openBatch)) return device.backlogMs;
  return device.backlogMs + openBatch.ms / slotsOf(device.capacity);
}

/**
 * The finish-time model shared by every policy (HEFT's earliest finish time, StarPU dmda's
 * expected end): ms from now until the job finishes on `device` =
 * wait before its run + est(model, device, rows of the batch it joins);
 * undefined when the estimator knows nothing of the (model, device) pair.
 */
export function predictFinishMs(ctx: SchedulingContext, device: DeviceSnapshot): number | undefined {
  const rows = batchRowsOnDevice(ctx, device);
  if (!readEstimate(ctx.estimator, ctx.job.modelKey, device.deviceId, rows, run)) return undefined;
  const runMs = run.ms;
  return waitBeforeRunMs(ctx, device, rows) + runMs;
}
