import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  DeadlineExceededError,
  InferenceFailedError,
  InvalidRequestError,
  NotFoundError,
  OverloadedError,
  SwitchyardEvents,
  UnavailableError,
} from '@switchyard/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { DeviceHealthService } from '@switchyard/devices';
import type { ServedModel } from '@switchyard/models';
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
import { DeviceQuarantinedError } from './errors/device-quarantined.error';
import { DeviceStallingError } from './errors/device-stalling.error';
import { RunFailedError } from './errors/run-failed.error';
import { DeviceProber } from './health/device-prober';
import { runBoundMs } from './health/run-bound';

/** Decision name reported for a job that pinned its device (the policy only predicted). */
export const PINNED_POLICY = 'pinned';
/** Runs a job may take: the first, and one retry on another device after a failure. */
const MAX_ATTEMPTS = 2;
/** Times a queued job may be moved off a stalling device to another one (these are not failures). */
const MAX_STALL_MOVES = 3;

/**
 * The live scheduling path: places each job with a policy on a snapshot of the devices, then
 * hands it to that device's dispatcher (queues, dynamic batching, deadlines) and resolves with
 * the outcome. Refusals are typed errors: 400 unknown policy, 404 unknown device, 503 no device
 * can run the model, 429 (with Retry-After) when queues are full or no device can meet the job's
 * deadline, 503 (DeviceQuarantinedError) for a job pinned to a quarantined device.
 *
 * @remarks Faults: a quarantined device gets no new work and its queued jobs are placed again;
 * a job whose run failed, hung or crashed is retried once on another device while its deadline
 * allows (not when pinned); a job with a timeout is answered by its deadline even when its run
 * is still going. See docs/scheduler.md, "Failure modes".
 */
@Injectable()
export class SchedulerService implements OnModuleInit, OnApplicationShutdown {
  private readonly dispatchers = new Map<string, DeviceDispatcher>();
  private readonly decisions = new DecisionLog(50);
  private sequence = 0;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly runtime: RuntimeService,
    private readonly policies: PolicyRegistry,
    private readonly framework: SchedulingFramework,
    private readonly estimator: EwmaServiceTimeEstimator,
    private readonly events: SwitchyardEvents,
    @Inject(SCHEDULER_CLOCK) private readonly clock: Clock,
    private readonly health: DeviceHealthService,
    private readonly prober: DeviceProber,
  ) {}

  onModuleInit(): void {
    this.unsubscribe.push(
      this.events.on('device.health', ({ deviceId, to, reason }) => {
        if (to !== 'quarantined') return;
        // its queued jobs go elsewhere now; its running ones finish, fail or hit their bound
        this.dispatchers.get(deviceId)?.rejectQueued(() => new DeviceQuarantinedError(deviceId, reason));
        this.prober.schedule(deviceId);
      }),
      // a worker or pool process that died, even with no job in it, is a crash of its device
      this.events.on('worker.restarted', ({ deviceId, reason }) =>
        this.health.report(deviceId, 'crashed', `a worker of ${deviceId} died: ${reason}`),
      ),
    );
  }

  async submit(job: InferenceJob): Promise<JobOutcome> {
    const deadlineAt = job.timeoutMs !== undefined ? job.receivedAt + job.timeoutMs : undefined;
    const tried = new Set<string>();
    /** Devices the job was moved off because they stalled: avoided while another device can take it. */
    const stalled = new Set<string>();
    let first: { deviceId: string; error: Error } | undefined;
    let failures = 0;
    let moves = 0;
    for (let attempt = 1; ; attempt++) {
      let deviceId: string;
      let outcome: Promise<JobOutcome>;
      /** Placed on a device it was moved off because nothing else could take it: it waits there. */
      let stayed: boolean;
      try {
        ({ deviceId, outcome, stayed } = this.placeAvoiding(job, deadlineAt, tried, stalled));
      } catch (refusal) {
        // nowhere else to go: the first failure says more than "no device"
        throw first?.error ?? refusal;
      }
      try {
        const done = await this.withinDeadline(outcome, job, deadlineAt, deviceId);
        if (!first) return done;
        // the retry worked: the first device was at fault when the job had its run to itself
        if (first.error instanceof RunFailedError && first.error.alone && failures === 1)
          this.health.report(first.deviceId, 'error', first.error.message);
        return { ...done, attempts: attempt, retriedFrom: first.deviceId };
      } catch (err) {
        const left = deadlineAt === undefined ? Infinity : deadlineAt - this.clock.now();
        // moved off a stalling device before it ran: placed again, that device not excluded (the stall
        // counts there now). Only moves to another device count against MAX_STALL_MOVES: a job with
        // nowhere else to go waits on its device through its stalls, within its deadline
        const moved = err instanceof DeviceStallingError && (stayed || moves++ < MAX_STALL_MOVES);
        if (!moved && (!isRetryable(err) || job.device !== undefined || ++failures >= MAX_ATTEMPTS || left <= 0)) throw err;
        if (left <= 0) throw err;
        first ??= { deviceId, error: err as Error };
        (moved ? stalled : tried).add(deviceId);
        this.events.emit('job.retried', { jobId: job.id, model: job.model.key, fromDeviceId: deviceId, reason: (err as Error).message });
      }
    }
  }

  /** Whether some device that has the model loaded is not quarantined (readiness). */
  servable(model: ServedModel): boolean {
    return model.devices.some((id) => this.runtime.pool(id) !== undefined && !this.health.isQuarantined(id));
  }

  /**
   * Places the job off `tried` and, while another device can take it, off `stalled`; `stayed`
   * when it went back to a device in `stalled` (no other device could take it).
   */
  private placeAvoiding(
    job: InferenceJob,
    deadlineAt: number | undefined,
    tried: ReadonlySet<string>,
    stalled: ReadonlySet<string>,
  ): { deviceId: string; outcome: Promise<JobOutcome>; stayed: boolean } {
    if (stalled.size === 0) return this.placeAndEnqueue(job, deadlineAt, tried);
    try {
      return this.placeAndEnqueue(job, deadlineAt, new Set([...tried, ...stalled]));
    } catch {
      const placed = this.placeAndEnqueue(job, deadlineAt, tried);
      placed.stayed = stalled.has(placed.deviceId);
      return placed;
    }
  }

  /**
   * Places the job (never on a device in `exclude`) and queues it there; `stayed` is false
   * (placeAvoiding sets it).
   *
   * @remarks The per-request objects here are literals with a fixed set of fields, completed by
   * plain assignments: spreads and Object.assign() that add fields take V8's generic paths, a few
   * microseconds per request on a slow core (perf on the overhead bench).
   */
  private placeAndEnqueue(
    job: InferenceJob,
    deadlineAt: number | undefined,
    exclude: ReadonlySet<string>,
  ): { deviceId: string; outcome: Promise<JobOutcome>; stayed: boolean } {
    const { decision, decidedAt, decisionUs } = this.place(job, deadlineAt, exclude);
    const record: Omit<DecisionRecord, 'at'> = {
      jobId: job.id,
      policy: decision.policy,
      model: job.model.key,
      deviceId: decision.deviceId,
      batchSize: job.batchSize,
      predictedMs: decision.predictedMs,
      decisionUs,
      outcome: 'pending',
    };
    const level = this.levelOf(job);
    const outcome = this.dispatchers
      .get(decision.deviceId)!
      .enqueue({ job, decision, level, deadlineAt })
      .then(
        (done) => {
          record.outcome = 'ok';
          record.actualMs = this.clock.now() - decidedAt;
          record.executedBatchSize = done.executedBatchSize;
          return done;
        },
        (err: unknown) => {
          record.outcome = 'failed';
          record.actualMs = this.clock.now() - decidedAt;
          record.error = (err as Error).message;
          throw err;
        },
      );
    // after enqueue(), which hands the job to an idle device's worker at once: the decision's
    // bookkeeping runs while the worker runs the job instead of before
    this.decisions.add(record);
    this.events.emit('scheduler.decision', {
      policy: decision.policy,
      deviceId: decision.deviceId,
      predictedMs: decision.predictedMs,
      model: job.model.key,
      decisionUs,
    });
    return { deviceId: decision.deviceId, outcome, stayed: false };
  }

  /**
   * The job's outcome, or a 504 at its deadline when its run is still going (the run is left to
   * finish or to hit its bound; its result is dropped).
   */
  private withinDeadline(
    outcome: Promise<JobOutcome>,
    job: InferenceJob,
    deadlineAt: number | undefined,
    deviceId: string,
  ): Promise<JobOutcome> {
    if (deadlineAt === undefined) return outcome;
    return new Promise<JobOutcome>((resolve, reject) => {
      const timer = this.clock.setTimer(
        () =>
          reject(new DeadlineExceededError(`no answer within its timeout of ${job.timeoutMs} ms: its run on ${deviceId} is still going`)),
        Math.max(0, deadlineAt - this.clock.now()),
      );
      outcome.then(resolve, reject).finally(() => this.clock.clearTimer(timer));
    });
  }

  /** Queue state per device (GET /v1/scheduler). */
  queues(): DispatcherState[] {
    return this.runtime.pools().map((pool) => this.dispatcher(pool).state());
  }

  recentDecisions(): DecisionRecord[] {
    return this.decisions.recent();
  }

  onApplicationShutdown(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.prober.stop();
    for (const d of this.dispatchers.values()) d.close();
  }

  /** Runs the policy on a snapshot of the devices; throws the typed refusals. Its event is the caller's ('scheduler.decision'). */
  private place(
    job: InferenceJob,
    deadlineAt: number | undefined,
    exclude: ReadonlySet<string>,
  ): { decision: PlacementDecision; decidedAt: number; decisionUs: number } {
    const started = performance.now();
    const policy = this.policies.get(job.policy ?? this.config.scheduler.policy);
    const now = this.clock.now();
    const devices = this.candidates(job, exclude, now);
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
    const policyName = job.device !== undefined ? PINNED_POLICY : policy.name;
    const decision: PlacementDecision =
      result.predictedMs !== undefined && Number.isFinite(result.predictedMs)
        ? { policy: policyName, deviceId: result.deviceId, predictedMs: result.predictedMs }
        : { policy: policyName, deviceId: result.deviceId };
    const decisionUs = (performance.now() - started) * 1000;
    return { decision, decidedAt: now, decisionUs };
  }

  /** The priority level the job is queued at: its priority, else the configured default. */
  private levelOf(job: InferenceJob): number {
    return job.priority && job.priority > 0 ? job.priority : this.config.scheduler.defaultPriorityLevel;
  }

  /** Snapshots of the devices the job may go to (not quarantined, not in `exclude`), refusing it when there are none. */
  private candidates(job: InferenceJob, exclude: ReadonlySet<string>, now: number): DeviceSnapshot[] {
    const runnable = modelDevices(job.model);
    const level = this.levelOf(job);
    const all = this.runtime.pools().map((pool) => deviceSnapshot(job, pool.device, this.dispatcher(pool), runnable, level, now));
    const allowed = job.deviceFilter ?? (() => true);
    let pool = all.filter(
      (d) =>
        d.canRun &&
        allowed(d.deviceId) &&
        !exclude.has(d.deviceId) &&
        !this.health.isQuarantined(d.deviceId) &&
        !(job.forwarded && d.kind === 'remote'),
    );
    if (job.device !== undefined) {
      const pinned = all.find((d) => d.deviceId === job.device);
      if (!pinned) throw new NotFoundError(`unknown device "${job.device}"; devices: ${all.map((d) => d.deviceId).join(', ') || 'none'}`);
      if (!pinned.canRun) throw new InvalidRequestError(`model ${job.model.key} is not loaded on device ${job.device}`);
      if (this.health.isQuarantined(pinned.deviceId)) {
        this.events.emit('job.rejected', { model: job.model.key, reason: 'quarantined', deviceId: pinned.deviceId });
        throw new DeviceQuarantinedError(pinned.deviceId, this.health.get(pinned.deviceId).reason);
      }
      if (job.forwarded && pinned.kind === 'remote') {
        throw new InvalidRequestError(`a request forwarded by another Switchyard is not forwarded again (device ${job.device})`);
      }
      pool = [pinned];
    }
    if (pool.length === 0) {
      const quarantined = all.filter((d) => d.canRun && this.health.isQuarantined(d.deviceId)).map((d) => d.deviceId);
      const why = quarantined.length ? `; quarantined: ${quarantined.join(', ')}` : '';
      this.events.emit('job.rejected', { model: job.model.key, reason: quarantined.length ? 'quarantined' : 'no_device' });
      throw new UnavailableError(`no usable device can run ${job.model.key} (loaded on: ${job.model.devices.join(', ') || 'none'}${why})`, {
        retryAfterSeconds: 5,
      });
    }
    const open = pool.filter((d) => d.queuedJobs < this.config.scheduler.maxQueuedPerDevice);
    if (open.length === 0) {
      this.refuse(
        job,
        'overload',
        `queues are full (${this.config.scheduler.maxQueuedPerDevice} jobs) on ${pool.map((d) => d.deviceId).join(', ')}`,
        pool,
      );
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
        runBoundMs: (predictedMs, firstRun) => runBoundMs(this.config.health, predictedMs, firstRun),
        health: this.health,
      });
      this.dispatchers.set(deviceId, d);
    }
    return d;
  }

  /**
   * 429 with a Retry-After of about when the least loaded candidate has worked off its queue. The
   * load is read at the job's level, as its snapshots were: each device answers from the figures
   * it kept for them (workMs does not depend on the level) instead of computing and keeping others.
   */
  private refuse(job: InferenceJob, reason: 'deadline' | 'overload', message: string, devices: readonly DeviceSnapshot[]): never {
    const level = this.levelOf(job);
    const waitMs = Math.min(...devices.map((s) => this.dispatchers.get(s.deviceId)?.load(job.model.key, level).workMs ?? 0));
    const retryAfterSeconds = Math.max(1, Math.ceil((Number.isFinite(waitMs) ? waitMs : 0) / 1000));
    this.events.emit('job.rejected', { model: job.model.key, reason });
    throw new OverloadedError(message, { retryAfterSeconds });
  }
}

/** Failures that say nothing against the job itself: its run failed, hung or crashed, or its device was quarantined. */
function isRetryable(err: unknown): boolean {
  return err instanceof InferenceFailedError || err instanceof DeviceQuarantinedError;
}

function formatReasons(reasons: Record<string, string>): string {
  return Object.entries(reasons)
    .map(([device, why]) => `${device}: ${why}`)
    .join('; ');
}
