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
  /**
   * Predicted ms until a slot of the device is free for the job's batch: the predicted work running
   * on it and queued ahead of that batch (models take turns: deviceLoad() says which batches),
   * divided by its slots, and 0 while a slot is idle and nothing waits. {@link backlogPerSlotMs}
   * computes it.
   *
   * @remarks It EXCLUDES the open batch of the job's model on this device (the rows counted in
   * `openBatchRows`): the policy adds that batch itself, because a job that joins it changes its
   * cost (est(r + b) instead of est(r) + est(b)).
   */
  backlogMs: number;
  /** Rows already waiting in the open batch of the job's model on this device (0 if none). */
  openBatchRows: number;
  /**
   * Batches of other models, queued at the job's level before it came, that its batch runs ahead of
   * (turn-taking across models): each of them starts later by about the job's run over the slots.
   */
  overtakenBatches: number;
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
 * - The framework itself filters out devices with `canRun: false` before calling the policy, and,
 *   when the job has a `deadlineAt` and the policy implements `predictMs`, devices whose predicted
 *   finish is past the deadline.
 * - `filter` removes devices that cannot serve the job for policy-specific reasons. Expected
 *   outcomes are returned, never thrown.
 * - `score`: higher is better; the framework picks the highest, spreading ties and near-ties
 *   (within a relative epsilon) at random among them.
 * - `predictMs`: the policy's predicted time from now until the job finishes on the device, if it
 *   has a model of it; reported in the decision and used by the deadline filter.
 * - `index` is the device's position in `ctx.devices` (so a policy needs no search).
 * - Policies keep no mutable state of their own: everything per-decision is in the context. One
 *   policy object serves every decision (and the simulator) concurrently.
 */
export interface SchedulingPolicy {
  readonly name: string;
  filter?(ctx: SchedulingContext, device: DeviceSnapshot, index: number): FilterResult;
  score(ctx: SchedulingContext, device: DeviceSnapshot, index: number): number;
  predictMs?(ctx: SchedulingContext, device: DeviceSnapshot, index: number): number | undefined;
}

export type ScheduleResult =
  | {
      status: 'scheduled';
      deviceId: string;
      /** Position of the chosen device in `ctx.devices`. */
      deviceIndex: number;
      predictedMs?: number;
      score: number;
    }
  | { status: 'unschedulable'; reasons: Record<string, string> };
