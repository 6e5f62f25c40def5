import type { DeviceSnapshot, JobSnapshot, SchedulingContext } from '../../interfaces/scheduling-policy.interface';
import type { ServiceTimeEstimator } from '../../interfaces/service-time-estimator.interface';
import { EwmaServiceTimeEstimator } from '../../estimator/ewma-service-time-estimator';
import { seededRandom } from '@switchyard/common';

/** An idle device that can run the job; override what the case needs. */
export function deviceSnapshot(overrides: Partial<DeviceSnapshot> = {}): DeviceSnapshot {
  return {
    deviceId: 'cpu:0',
    kind: 'cpu',
    costWeight: 1,
    canRun: true,
    capacity: 1,
    inFlight: 0,
    queuedJobs: 0,
    backlogMs: 0,
    openBatchRows: 0,
    overtakenBatches: 0,
    maxBatchSize: 0,
    ...overrides,
  };
}

/** A decision context over `devices` with a seeded random and a fresh estimator by default. */
export function schedulingContext(
  devices: DeviceSnapshot[],
  options: { job?: Partial<JobSnapshot>; estimator?: ServiceTimeEstimator; seed?: number; now?: number; sequence?: number } = {},
): SchedulingContext {
  return {
    job: { modelKey: 'm', batchSize: 1, priority: 0, ...options.job },
    now: options.now ?? 1000,
    devices,
    estimator: options.estimator ?? new EwmaServiceTimeEstimator(),
    state: new Map(),
    sequence: options.sequence ?? 0,
    random: seededRandom(options.seed ?? 1),
  };
}
