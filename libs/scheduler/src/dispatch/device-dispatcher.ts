import {
  ClientClosedRequestError,
  DeadlineExceededError,
  InferenceFailedError,
  SwitchyardError,
  type SwitchyardEvents,
  UnavailableError,
  type WireTensor,
} from '@switchyard/common';
import { isTransferred, RunAbort, RunAbortedError, WorkerDiedError, type DevicePool, type TaskResult } from '@switchyard/runtime';
import type { InferenceJob, JobOutcome, PlacementDecision } from '../interfaces/inference-job.interface';
import type { ServiceTimeEstimate, ServiceTimeEstimator } from '../interfaces/service-time-estimator.interface';
import { readEstimate } from '../framework/finish-time';
import { isExpired } from './batch-entry.interface';
import type { Clock, TimerHandle } from './clock.interface';
import { slotsOf } from '../framework/backlog-per-slot';
import { deviceEstimatorVersion, deviceLoad, type DeviceLoad, type DeviceLoadSource } from './device-load';
import { batchingSettings, ModelBatchQueue } from './model-batch-queue';
import { pickReadyQueue } from './pick-ready-queue';
import { QueuesRevision } from './queues-revision';
import type { QueuedJob } from './queued-job.interface';
import { batchSignature, mergeInputs, splitOutputs } from './tensor-batching';
import { DeviceStallingError } from '../errors/device-stalling.error';
import { RunFailedError } from '../errors/run-failed.error';

/** How often a dispatcher looks for a free slot while other users of the pool hold them all. */
const FOREIGN_TASK_POLL_MS = 2;
/**
 * A batch still running this long past twice its prediction makes its device hand its queued
 * (unpinned) jobs back for placement elsewhere: queued work must not wait out a stall.
 */
export const STALL_EVACUATE_MS = 50;

/** Where the dispatcher reports what its runs say about the device's health (DeviceHealthService). */
export interface RunHealthSink {
  reportRun(deviceId: string, runMs: number, predictedMs: number): void;
  report(deviceId: string, signal: 'hung' | 'crashed', detail: string): void;
}

/** Scratch for the first-run check of dispatch() (read and dropped at once: no allocation per run). */
const known: ServiceTimeEstimate = { ms: 0, samples: 0 };

export interface DeviceDispatcherOptions {
  pool: DevicePool;
  clock: Clock;
  estimator: ServiceTimeEstimator;
  events: SwitchyardEvents;
  /** Predicted ms of one session run of `rows` rows of the model on this device (never undefined: fallbacks applied). */
  predictServiceMs: (modelKey: string, rows: number) => number;
  /**
   * Bound of a run predicted to take `predictedMs` (`firstRun`: the estimator knows nothing of its model
   * on this device yet): past it the run is declared hung and its worker recycled. Unbounded when absent.
   */
  runBoundMs?(predictedMs: number, firstRun: boolean): number;
  health?: RunHealthSink;
}

export interface EnqueueRequest {
  job: InferenceJob;
  decision: PlacementDecision;
  /** Effective priority level, 1 highest. */
  level: number;
  deadlineAt?: number;
}

interface RunningBatch {
  modelKey: string;
  rows: number;
  startedAt: number;
  predictedMs: number;
  /** Aborted when the run passes its bound (declared hung). */
  hung: RunAbort;
  /** When the run is declared hung (clock ms); undefined: unbounded, or already declared. */
  boundAt?: number;
  /** The bound's length, for the hung message (built only when it is needed). */
  boundMs?: number;
  /** When the run counts as stalling (its device's queued jobs go elsewhere); undefined once handled. */
  stallAt?: number;
}

/** Queue depths of one device, as GET /v1/scheduler shows them. */
export interface DispatcherState {
  deviceId: string;
  capacity: number;
  inFlight: number;
  queuedJobs: number;
  models: Record<string, { queuedJobs: number; queuedRows: number }>;
}

/**
 * The dispatch queues of one device: a dynamic-batching queue per model in front of the device's
 * pool, which it never over-fills (in-flight <= capacity, so the pool never queues where the
 * scheduler cannot see). Free slots go to the ready batch with the best priority, ties to the
 * model served least recently (fairness across models). Deadlines are enforced here, before
 * dispatch; a running task is never aborted.
 */
export class DeviceDispatcher {
  readonly deviceId: string;
  private readonly queues = new Map<string, ModelBatchQueue>();
  private readonly running = new Set<RunningBatch>();
  private queued = 0;
  private dispatches = 0;
  private wakeTimer?: TimerHandle;
  private wakeAt?: number;
  /**
   * One timer for the bounds and stall thresholds of every running batch, armed at the earliest of
   * them: a run costs no timer of its own (a sequential stream of short runs re-arms it only when
   * it fires, about once per stall window, instead of setting and clearing two timers per run).
   */
  private sweepTimer?: TimerHandle;
  private sweepAt?: number;
  private pumping = false;
  private closed = false;
  private readonly loadSource: DeviceLoadSource<QueuedJob>;
  /** Moves with every change to the queues (deviceLoad() caches their part of the load until it does). */
  private readonly queuesRevision = new QueuesRevision();
  /** The pool runs in this process's threads (it transfers big inputs); fixed for its life. */
  private readonly threadPool: boolean;

  constructor(private readonly opts: DeviceDispatcherOptions) {
    this.deviceId = opts.pool.device.id;
    this.threadPool = opts.pool.stats().isolation === 'thread';
    this.loadSource = {
      running: this.running,
      queues: this.queues,
      serviceMs: opts.predictServiceMs,
      estimator: deviceEstimatorVersion(opts.estimator, this.deviceId),
      revision: this.queuesRevision,
    };
  }

  get queuedJobs(): number {
    return this.queued;
  }

  get capacity(): number {
    return slotsOf(this.opts.pool.capacity);
  }

  /** Tasks running in the pool: ours, or the pool's own count when larger (calibration runs). */
  get inFlight(): number {
    return Math.max(this.running.size, this.opts.pool.inFlight);
  }

  /**
   * The device's load as a job of `modelKey` at priority `level` sees it (deviceLoad(), which the
   * simulator shares): from running sums, without walking the queued jobs. `now` is the clock's
   * time, read once per decision by the caller (a clock read per device is a measurable share of
   * a decision over tens of devices).
   */
  load(modelKey: string, level?: number, now: number = this.opts.clock.now()): DeviceLoad {
    return deviceLoad(this.loadSource, modelKey, now, this.capacity, this.inFlight, level);
  }

  state(): DispatcherState {
    const models: DispatcherState['models'] = {};
    for (const q of this.queues.values()) models[q.modelKey] = { queuedJobs: q.jobs.size, queuedRows: q.jobs.rows };
    return { deviceId: this.deviceId, capacity: this.capacity, inFlight: this.inFlight, queuedJobs: this.queued, models };
  }

  /** Queues a placed job; settles when it ran (or expired, or failed). */
  enqueue(req: EnqueueRequest): Promise<JobOutcome> {
    if (this.closed) return Promise.reject(new UnavailableError(`device ${this.deviceId} is shutting down`));
    return new Promise<JobOutcome>((resolve, reject) => {
      const { clock } = this.opts;
      const queue = this.queueOf(req.job);
      const entry: QueuedJob = {
        job: req.job,
        decision: req.decision,
        level: req.level,
        enqueuedAt: clock.now(),
        deadlineAt: req.deadlineAt,
        rows: req.job.batchSize,
        signature: batchSignature(req.job.inputs, req.job.outputNames),
        resolve,
        reject,
      };
      const { signal } = req.job;
      if (signal?.aborted) return this.dropGone(entry);
      queue.jobs.push(entry);
      this.queued++;
      if (entry.deadlineAt !== undefined) {
        entry.expiryTimer = clock.setTimer(() => this.expireQueued(queue, entry), entry.deadlineAt - entry.enqueuedAt);
      }
      this.pump();
      // a job dispatched at once never waits: only one that may still wait listens for its client leaving
      if (signal && this.queued > 0) signal.addEventListener('abort', () => this.dropQueued(queue, entry), { once: true });
    });
  }

  /** Refuses everything still queued (shutdown); running tasks finish. */
  close(): void {
    this.closed = true;
    this.opts.clock.clearTimer(this.wakeTimer);
    this.opts.clock.clearTimer(this.sweepTimer);
    this.sweepTimer = this.sweepAt = undefined;
    this.rejectQueued(() => new UnavailableError(`device ${this.deviceId} is shutting down`));
  }

  /**
   * Hands the queued jobs that `which` selects (all by default) back to their callers with `error`
   * (a quarantined or stalling device): the scheduler places them again elsewhere. Running tasks
   * are left to finish or hit their bound.
   */
  rejectQueued(error: () => Error, which: (job: InferenceJob) => boolean = () => true): void {
    for (const q of this.queues.values()) {
      for (const entry of [...q.jobs.entries()]) {
        if (!which(entry.job) || !q.jobs.remove(entry)) continue;
        this.queued--;
        this.opts.clock.clearTimer(entry.expiryTimer);
        entry.reject(error());
      }
    }
  }

  private queueOf(job: InferenceJob): ModelBatchQueue {
    let q = this.queues.get(job.model.key);
    if (!q) {
      q = new ModelBatchQueue(job.model.key, batchingSettings(job.model), this.queuesRevision);
      this.queues.set(job.model.key, q);
    }
    return q;
  }

  /** Slots neither our batches nor the pool's own tasks hold. */
  private freeSlots(): number {
    return this.capacity - this.inFlight;
  }

  private pump(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    try {
      let wakeAt: number | undefined;
      while (this.freeSlots() > 0) {
        const now = this.opts.clock.now();
        const { best, nextReadyAt } = pickReadyQueue(this.queues.values(), now, this.opts.predictServiceMs);
        wakeAt = nextReadyAt;
        if (!best) break;
        const taken = best.take();
        this.queued -= taken.length;
        const live: QueuedJob[] = [];
        for (const entry of taken) {
          this.opts.clock.clearTimer(entry.expiryTimer);
          if (isExpired(entry, now)) this.expire(entry);
          else live.push(entry);
        }
        if (live.length) this.dispatch(best, live, now);
      }
      if (this.freeSlots() > 0) this.armWake(wakeAt);
      else if (this.queued > 0 && this.running.size < this.capacity) {
        // slots held by tasks that are not ours (calibration) end without telling us: look again soon
        this.armWake(this.opts.clock.now() + FOREIGN_TASK_POLL_MS);
      } else this.armWake(undefined);
    } finally {
      this.pumping = false;
    }
  }

  private armWake(at: number | undefined): void {
    if (at === this.wakeAt) return;
    this.opts.clock.clearTimer(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeAt = at;
    if (at === undefined) return;
    this.wakeTimer = this.opts.clock.setTimer(() => {
      this.wakeTimer = undefined;
      this.wakeAt = undefined;
      this.pump();
    }, at - this.opts.clock.now());
  }

  private dispatch(queue: ModelBatchQueue, jobs: QueuedJob[], now: number): void {
    const { pool, events } = this.opts;
    const rows = jobs.reduce((n, j) => n + j.job.batchSize, 0);
    const predictedMs = this.opts.predictServiceMs(queue.modelKey, rows);
    const firstRun = !readEstimate(this.opts.estimator, queue.modelKey, this.deviceId, rows, known);
    const boundMs = this.opts.runBoundMs?.(predictedMs, firstRun);
    const batch: RunningBatch = {
      modelKey: queue.modelKey,
      rows,
      startedAt: now,
      predictedMs,
      hung: new RunAbort(),
      stallAt: now + 2 * predictedMs + STALL_EVACUATE_MS,
      // one shape whether bounded or not (a conditional spread takes V8's generic copy path)
      boundAt: boundMs !== undefined ? now + boundMs : undefined,
      boundMs,
    };
    this.running.add(batch);
    this.armSweep(Math.min(batch.stallAt!, batch.boundAt ?? Infinity));
    queue.lastServed = this.dispatches++;
    let result: Promise<TaskResult>;
    try {
      // a thread pool transfers (detaches) the big tensors it gets, and a retry elsewhere needs them: a lone job's are copied
      const lone = jobs.length === 1 ? jobs[0].job.inputs : undefined;
      const inputs: WireTensor[] = lone ? (this.threadPool ? copyInputs(lone) : lone) : mergeInputs(jobs.map((j) => j.job.inputs));
      result = pool.run({ modelKey: queue.modelKey, inputs, outputNames: jobs[0].job.outputNames }, { abort: batch.hung });
    } catch (err) {
      // a synchronous throw of run(), passed on unchanged: fail() takes any value
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      result = Promise.reject(err);
    }
    // once the worker has the job: the event does not delay its run
    events.emit('batch.dispatched', { deviceId: this.deviceId, model: queue.modelKey, batchSize: rows, requests: jobs.length });
    result
      .then(
        (res) => this.complete(batch, jobs, res),
        (err: unknown) => this.fail(batch, jobs, err),
      )
      .finally(() => {
        // its bound and stall threshold go with it: the sweep only looks at running batches
        this.running.delete(batch);
        this.pump();
      });
  }

  /** Arms the sweep for `at` unless it is already armed as early. */
  private armSweep(at: number): void {
    if (this.closed || (this.sweepAt !== undefined && this.sweepAt <= at)) return;
    this.opts.clock.clearTimer(this.sweepTimer);
    this.sweepAt = at;
    this.sweepTimer = this.opts.clock.setTimer(() => this.sweep(), at - this.opts.clock.now());
  }

  /** Declares the running batches past their bound hung, handles those past their stall threshold, and re-arms for the next. */
  private sweep(): void {
    this.sweepTimer = this.sweepAt = undefined;
    const now = this.opts.clock.now();
    let next = Infinity;
    for (const batch of [...this.running]) {
      if (batch.boundAt !== undefined && batch.boundAt <= now) {
        batch.boundAt = undefined;
        batch.hung.abort(`no answer after ${Math.round(batch.boundMs!)} ms (predicted ${round1(batch.predictedMs)} ms)`);
      }
      if (batch.stallAt !== undefined && batch.stallAt <= now) {
        batch.stallAt = undefined;
        this.onStall(batch);
      }
      next = Math.min(next, batch.boundAt ?? Infinity, batch.stallAt ?? Infinity);
    }
    if (next < Infinity) this.armSweep(next);
  }

  /** The batch runs far past its prediction: its device's unpinned queued jobs go elsewhere. */
  private onStall(batch: RunningBatch): void {
    if (!this.running.has(batch) || this.queued === 0) return;
    const stalledMs = Math.round(this.opts.clock.now() - batch.startedAt);
    this.rejectQueued(
      () => new DeviceStallingError(this.deviceId, stalledMs),
      (job) => job.device === undefined,
    );
  }

  private complete(batch: RunningBatch, jobs: QueuedJob[], res: TaskResult): void {
    const { runMs, marshalMs, queueMs: poolQueueMs } = res.timings;
    this.opts.estimator.observe(batch.modelKey, this.deviceId, batch.rows, runMs + marshalMs);
    this.opts.health?.reportRun(this.deviceId, runMs + marshalMs, batch.predictedMs);
    let parts: WireTensor[][];
    try {
      parts =
        jobs.length === 1
          ? [res.outputs]
          : splitOutputs(
              res.outputs,
              jobs.map((j) => j.job.batchSize),
            );
    } catch (err) {
      this.fail(batch, jobs, err);
      return;
    }
    const end = this.opts.clock.now();
    jobs.forEach((entry, i) => {
      const queueMs = batch.startedAt - entry.enqueuedAt + poolQueueMs;
      const totalMs = end - entry.job.receivedAt;
      this.opts.events.emit('job.completed', {
        jobId: entry.job.id,
        model: batch.modelKey,
        deviceId: this.deviceId,
        policy: entry.decision.policy,
        outcome: 'ok',
        batchSize: entry.job.batchSize,
        queueMs,
        runMs,
        totalMs,
        predictedMs: entry.decision.predictedMs,
      });
      entry.resolve({
        outputs: parts[i],
        decision: entry.decision,
        executedBatchSize: batch.rows,
        timings: { queueMs, runMs, totalMs },
        attempts: 1,
      });
    });
  }

  private fail(batch: RunningBatch, jobs: QueuedJob[], err: unknown): void {
    let error: SwitchyardError;
    if (err instanceof RunAbortedError) {
      error = err;
      this.opts.health?.report(this.deviceId, 'hung', err.message);
    } else if (err instanceof WorkerDiedError) {
      error = err;
      this.opts.health?.report(this.deviceId, 'crashed', err.message);
    } else if (err instanceof SwitchyardError && !(err instanceof InferenceFailedError)) error = err;
    else {
      // maybe the input's fault: the scheduler blames the device only when a retry elsewhere succeeds
      const message =
        err instanceof InferenceFailedError
          ? err.message
          : `inference on ${this.deviceId} failed: ${err instanceof Error ? err.message : String(err)}`;
      error = new RunFailedError(this.deviceId, jobs.length === 1, message, err);
    }
    const end = this.opts.clock.now();
    for (const entry of jobs) {
      this.opts.events.emit('job.completed', {
        jobId: entry.job.id,
        model: batch.modelKey,
        deviceId: this.deviceId,
        policy: entry.decision.policy,
        outcome: 'error',
        errorReason: error.message,
        batchSize: entry.job.batchSize,
        queueMs: batch.startedAt - entry.enqueuedAt,
        runMs: 0,
        totalMs: end - entry.job.receivedAt,
        predictedMs: entry.decision.predictedMs,
      });
      entry.reject(error);
    }
  }

  private expireQueued(queue: ModelBatchQueue, entry: QueuedJob): void {
    if (!queue.jobs.remove(entry)) return;
    this.queued--;
    this.expire(entry);
    this.pump();
  }

  /** The client left while its job was queued: nobody waits for the answer, so it never runs. */
  private dropQueued(queue: ModelBatchQueue, entry: QueuedJob): void {
    if (!queue.jobs.remove(entry)) return;
    this.queued--;
    this.opts.clock.clearTimer(entry.expiryTimer);
    this.dropGone(entry);
    this.pump();
  }

  private dropGone(entry: QueuedJob): void {
    this.opts.events.emit('job.rejected', { model: entry.job.model.key, reason: 'client_gone', deviceId: this.deviceId });
    entry.reject(
      new ClientClosedRequestError(
        `the client of job ${entry.job.id} closed its connection while it waited in the queue of ${this.deviceId}`,
      ),
    );
  }

  private expire(entry: QueuedJob): void {
    const waited = Math.round(entry.job.timeoutMs ?? this.opts.clock.now() - entry.job.receivedAt);
    this.opts.events.emit('job.rejected', { model: entry.job.model.key, reason: 'expired', deviceId: this.deviceId });
    entry.reject(new DeadlineExceededError(`timed out after ${waited} ms in the queue of ${this.deviceId}`));
  }
}

/** Copies of the buffers a thread pool would move (detach); small ones are cloned by the hop itself. */
function copyInputs(inputs: readonly WireTensor[]): WireTensor[] {
  return inputs.map((t) => (isTransferred(t.data) ? { ...t, data: t.data.slice(0) } : t));
}

function round1(ms: number): number {
  return Math.round(ms * 10) / 10;
}
