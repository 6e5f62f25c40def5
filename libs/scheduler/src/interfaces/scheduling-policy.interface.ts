import type { DeviceKind } from '@switchyard/devices';
import type { ServiceTimeEstimator } from './service-time-estimator.interface';

/**
 * What a policy sees of one device at decision time: a snapshot, never the live object.
 *
 * @remarks Times are milliseconds on the scheduler's clock (real or simulated).
 */
export interface DeviceSnapshot {
  deviceId: string;
  kind: DeviceKind;
  /** Relative cost of one second of this device (config); >= 0, 1 by default. */
  costWeight: number;
  /** Whether the job's model is loaded on this device. */
  canRun: boolean;
  /** Tasks the device's pool runs at once. */
  capacity: number;
  /** Tasks running in the pool now. */
  inFlight: number;
  /** Jobs waiting in the scheduler's queues for this device (all models). */
  queuedJobs: number;
  /** Predicted ms until the device has worked off what is queued and running, per free slot. */
  backlogMs: number;
  /** Rows already waiting in the open batch of the job's model on this device (0 if none). */
  openBatchRows: number;
  /** Largest batch the job's model accepts (0: the model does not batch). */
  maxBatchSize: number;
}

/** The job being placed, as policies see it. */
export interface JobSnapshot {
  modelKey: string;
  batchSize: number;
  /** Triton convention: 1 is highest; 0 = default level. */
  priority: number;
  /** Absolute clock time by which the job must finish, when it has a timeout. */
  deadlineAt?: number;
}

/** Per-decision state (Kubernetes' CycleState): policies write scratch data here, not into fields. */
export type CycleState = Map<string, unknown>;

export interface SchedulingContext {
  job: JobSnapshot;
  now: number;
  devices: readonly DeviceSnapshot[];
  estimator: ServiceTimeEstimator;
  state: CycleState;
  /** Index of this decision since start: round-robin reads it instead of keeping a counter. */
  sequence: number;
  /** Uniform [0,1): injected so the simulator is deterministic. */
  random: () => number;
}

export type FilterResult = { ok: true } | { ok: false; reason: string };

/**
 * A scheduling policy as a set of small capabilities (the Kubernetes scheduler framework's
 * filter/score/reserve), run by the scheduling framework for each job.
 *
 * @remarks
 * - `filter` removes devices that cannot serve the job (model not loaded, deadline cannot be
 *   met...). Expected outcomes are returned, never thrown.
 * - `score`: higher is better; the framework picks the highest, spreading exact ties.
 * - `predictMs`: the policy's predicted time from now until the job finishes on the device, if it
 *   has a model of it; reported in the decision.
 * - Policies keep no mutable state of their own: everything per-decision is in the context.
 */
export interface SchedulingPolicy {
  readonly name: string;
  filter?(ctx: SchedulingContext, device: DeviceSnapshot): FilterResult;
  score(ctx: SchedulingContext, device: DeviceSnapshot): number;
  predictMs?(ctx: SchedulingContext, device: DeviceSnapshot): number | undefined;
}

export type ScheduleResult =
  | { status: 'scheduled'; deviceId: string; predictedMs?: number; score: number }
  | { status: 'unschedulable'; reasons: Record<string, string> };
