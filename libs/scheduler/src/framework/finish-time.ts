import type { DeviceSnapshot, SchedulingContext } from '../interfaces/scheduling-policy.interface';

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
  const open = ctx.estimator.estimate(ctx.job.modelKey, device.deviceId, r);
  const slots = device.capacity > 1 ? device.capacity : 1;
  return device.backlogMs + (open === undefined ? 0 : open.ms / slots);
}

/**
 * The finish-time model shared by every policy (HEFT's earliest finish time, StarPU dmda's
 * expected end): ms from now until the job finishes on `device` =
 * wait before its run + est(model, device, rows of the batch it joins);
 * undefined when the estimator knows nothing of the (model, device) pair.
 */
export function predictFinishMs(ctx: SchedulingContext, device: DeviceSnapshot): number | undefined {
  const rows = batchRowsOnDevice(ctx, device);
  const run = ctx.estimator.estimate(ctx.job.modelKey, device.deviceId, rows);
  return run === undefined ? undefined : waitBeforeRunMs(ctx, device, rows) + run.ms;
}
