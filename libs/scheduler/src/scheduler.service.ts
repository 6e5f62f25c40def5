import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { InvalidRequestError, NotFoundError, OverloadedError, SwitchyardEvents, UnavailableError } from '@switchyard/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { RuntimeService, type DevicePool } from '@switchyard/runtime';
import { performance } from 'node:perf_hooks';
import { SCHEDULER_CLOCK, type Clock } from './dispatch/clock.interface';
import { DecisionLog, type DecisionRecord } from './dispatch/decision-log';
import { deviceSnapshot, modelDevices } from './dispatch/device-snapshot';
import { DeviceDispatcher, type DispatcherState } from './dispatch/device-dispatcher';
import { predictServiceMs } from './dispatch/service-time-prediction';
import { EwmaServiceTimeEstimator } from './estimator/ewma-service-time-estimator';
import { SchedulingFramework } from './framework/scheduling-framework';
import type { InferenceJob, JobOutcome, PlacementDecision } from './interfaces/inference-job.interface';
import type { DeviceSnapshot, SchedulingContext } from './interfaces/scheduling-policy.interface';
import { PolicyRegistry } from './policies/policy-registry';

/** Decision name reported for a job that pinned its device (the policy only predicted). */
export const PINNED_POLICY = 'pinned';

/**
 * The live scheduling path: places each job with a policy on a snapshot of the devices, then
 * hands it to that device's dispatcher (queues, dynamic batching, deadlines) and resolves with
 * the outcome. Refusals are typed errors: 400 unknown policy, 404 unknown device, 503 no device
 * can run the model, 429 (with Retry-After) when queues are full or no device can meet the job's
 * deadline.
 */
@Injectable()
export class SchedulerService implements OnApplicationShutdown {
  private readonly dispatchers = new Map<string, DeviceDispatcher>();
  private readonly decisions = new DecisionLog(50);
  private sequence = 0;

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly runtime: RuntimeService,
    private readonly policies: PolicyRegistry,
    private readonly framework: SchedulingFramework,
    private readonly estimator: EwmaServiceTimeEstimator,
    private readonly events: SwitchyardEvents,
    @Inject(SCHEDULER_CLOCK) private readonly clock: Clock,
  ) {}

  async submit(job: InferenceJob): Promise<JobOutcome> {
    const { decision, deadlineAt, decidedAt, decisionUs } = this.place(job);
    const record = this.decisions.add({
      at: new Date().toISOString(),
      jobId: job.id,
      policy: decision.policy,
      model: job.model.key,
      deviceId: decision.deviceId,
      batchSize: job.batchSize,
      predictedMs: decision.predictedMs,
      decisionUs,
      outcome: 'pending',
    });
    const level = job.priority && job.priority > 0 ? job.priority : this.config.scheduler.defaultPriorityLevel;
    try {
      const outcome = await this.dispatchers.get(decision.deviceId)!.enqueue({ job, decision, level, deadlineAt });
      Object.assign(record, { outcome: 'ok', actualMs: this.clock.now() - decidedAt, executedBatchSize: outcome.executedBatchSize });
      return outcome;
    } catch (err) {
      Object.assign(record, { outcome: 'failed', actualMs: this.clock.now() - decidedAt, error: (err as Error).message });
      throw err;
    }
  }

  /** Queue state per device (GET /v1/scheduler). */
  queues(): DispatcherState[] {
    return this.runtime.pools().map((pool) => this.dispatcher(pool).state());
  }

  recentDecisions(): DecisionRecord[] {
    return this.decisions.recent();
  }

  onApplicationShutdown(): void {
    for (const d of this.dispatchers.values()) d.close();
  }

  /** Runs the policy on a snapshot of the devices; throws the typed refusals. */
  private place(job: InferenceJob): { decision: PlacementDecision; deadlineAt?: number; decidedAt: number; decisionUs: number } {
    const started = performance.now();
    const policy = this.policies.get(job.policy ?? this.config.scheduler.policy);
    const now = this.clock.now();
    const deadlineAt = job.timeoutMs !== undefined ? job.receivedAt + job.timeoutMs : undefined;
    const devices = this.candidates(job);
    const ctx: SchedulingContext = {
      job: { modelKey: job.model.key, batchSize: job.batchSize, priority: job.priority ?? 0, deadlineAt },
      now,
      devices,
      estimator: this.estimator,
      state: new Map(),
      sequence: this.sequence++,
      random: Math.random,
    };
    const result = this.framework.schedule(policy, ctx);
    if (result.status === 'unschedulable') {
      const within = deadlineAt === undefined ? '' : ` within its timeout of ${job.timeoutMs} ms`;
      this.refuse(job, 'deadline', `no device can finish ${job.model.key}${within}: ${formatReasons(result.reasons)}`, devices);
    }
    const decision: PlacementDecision = {
      policy: job.device !== undefined ? PINNED_POLICY : policy.name,
      deviceId: result.deviceId,
      ...(result.predictedMs !== undefined && Number.isFinite(result.predictedMs) ? { predictedMs: result.predictedMs } : {}),
    };
    const decisionUs = (performance.now() - started) * 1000;
    this.events.emit('scheduler.decision', { ...decision, model: job.model.key, decisionUs });
    return { decision, deadlineAt, decidedAt: now, decisionUs };
  }

  /** Snapshots of the devices the job may go to, refusing it when there are none. */
  private candidates(job: InferenceJob): DeviceSnapshot[] {
    const runnable = modelDevices(job.model);
    const all = this.runtime.pools().map((pool) => deviceSnapshot(job, pool.device, this.dispatcher(pool), runnable));
    let pool = all.filter((d) => d.canRun);
    if (job.device !== undefined) {
      const pinned = all.find((d) => d.deviceId === job.device);
      if (!pinned) throw new NotFoundError(`unknown device "${job.device}"; devices: ${all.map((d) => d.deviceId).join(', ') || 'none'}`);
      if (!pinned.canRun) throw new InvalidRequestError(`model ${job.model.key} is not loaded on device ${job.device}`);
      pool = [pinned];
    }
    if (pool.length === 0) {
      this.events.emit('job.rejected', { model: job.model.key, reason: 'no_device' });
      throw new UnavailableError(`no usable device can run ${job.model.key} (loaded on: ${job.model.devices.join(', ') || 'none'})`, {
        retryAfterSeconds: 5,
      });
    }
    const open = pool.filter((d) => d.queuedJobs < this.config.scheduler.maxQueuedPerDevice);
    if (open.length === 0) {
      this.refuse(job, 'overload', `queues are full (${this.config.scheduler.maxQueuedPerDevice} jobs) on ${pool.map((d) => d.deviceId).join(', ')}`, pool);
    }
    return open;
  }

  private dispatcher(pool: DevicePool): DeviceDispatcher {
    let d = this.dispatchers.get(pool.device.id);
    if (!d) {
      const deviceId = pool.device.id;
      d = new DeviceDispatcher({
        pool,
        clock: this.clock,
        estimator: this.estimator,
        events: this.events,
        predictServiceMs: (modelKey, rows) => predictServiceMs(this.estimator, modelKey, deviceId, rows, [...this.dispatchers.keys()]),
      });
      this.dispatchers.set(deviceId, d);
    }
    return d;
  }

  /** 429 with a Retry-After of about when the least loaded candidate has worked off its queue. */
  private refuse(job: InferenceJob, reason: 'deadline' | 'overload', message: string, devices: readonly DeviceSnapshot[]): never {
    const waitMs = Math.min(...devices.map((s) => this.dispatchers.get(s.deviceId)?.load(job.model.key).workMs ?? 0));
    const retryAfterSeconds = Math.max(1, Math.ceil((Number.isFinite(waitMs) ? waitMs : 0) / 1000));
    this.events.emit('job.rejected', { model: job.model.key, reason });
    throw new OverloadedError(message, { retryAfterSeconds });
  }
}

function formatReasons(reasons: Record<string, string>): string {
  return Object.entries(reasons)
    .map(([device, why]) => `${device}: ${why}`)
    .join('; ');
}
