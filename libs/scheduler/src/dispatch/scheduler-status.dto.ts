import type { PoolStats } from '@switchyard/runtime';
import type { CalibrationState } from '../calibration/calibration-state.interface';
import type { DecisionRecord } from './decision-log';
import type { DispatcherState } from './device-dispatcher';

/** GET /v1/scheduler. */
export interface SchedulerStatusDto {
  policy: { default: string; available: string[] };
  devices: Array<DispatcherState & { kind: string; costWeight: number; pool: PoolStats }>;
  /** Per (model, device): the estimator's points, one per known power-of-two batch bucket. */
  estimates: Array<{ model: string; deviceId: string; points: Array<{ batchSize: number; ms: number; samples: number }> }>;
  calibration: CalibrationState;
  /** Newest first. */
  recentDecisions: DecisionRecord[];
}
