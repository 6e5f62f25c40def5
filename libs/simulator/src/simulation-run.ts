import {
  calibrationSweep,
  predictServiceMs,
  sweepSizes,
  type BatchingSettings,
  type DeviceSnapshot,
  type SchedulingContext,
  type SchedulingFramework,
  type SchedulingPolicy,
  type ServiceTimeEstimator,
  type ServiceTimePoint,
} from '@switchyard/scheduler';
import { CoreShare } from './core-share';
import { EventQueue } from './event-queue';
import type { SimCalibration, SimDeviceSpec, SimulationConfig } from './interfaces/simulation-config.interface';
import type { SimulationReport } from './interfaces/simulation-report.interface';
import { seededRandom } from '@switchyard/common';
import { exponentialSample, noiseFactor } from './prng';
import { SimDevice } from './sim-device';
import type { SimJob, SimRun } from './sim-job.interface';
import { SimulationStats } from './simulation-stats';

/** Work of the serving thread: a job on its way in, or a run's results on their way out. */
type HostWork = { kind: 'admit'; job: SimJob } | { kind: 'reply'; run: SimRun };
/** What finishes on the shared cores: a device run, or the serving thread's current work. */
type SharedWork = { kind: 'done'; run: SimRun } | { kind: 'host'; work: HostWork };
type Event =
  | { kind: 'arrival'; client: number }
  | SharedWork
  | { kind: 'cores'; generation: number }
  | { kind: 'wake'; device: number }
  | { kind: 'expire'; job: SimJob };

/** An estimator the service's calibration can seed (EwmaServiceTimeEstimator). */
type SeedableEstimator = ServiceTimeEstimator & { seed?(modelKey: string, deviceId: string, points: readonly ServiceTimePoint[]): void };

const DEFAULT_PRIORITY_LEVEL = 5;

/** One run of a simulation: the event loop and its state (a fresh instance per run). */
export class SimulationRun {
  private readonly agenda = new EventQueue<Event>();
  private readonly devices: SimDevice[];
  private readonly snapshots: DeviceSnapshot[];
  private readonly stats: SimulationStats;
  private readonly workload: () => number;
  private readonly noise: () => number;
  private readonly ctx: SchedulingContext;
  private readonly cumulativeShare: number[];
  private now = 0;
  private jobSeq = 0;
  /** The serving thread (config.host): a FIFO of work, one piece at a time. */
  private readonly hostQueue: HostWork[] = [];
  private hostBusy = false;
  private readonly cores: CoreShare<SharedWork> | undefined;
  /** The cores' generation whose next completion is on the agenda. */
  private coresScheduled = -1;

  constructor(
    private readonly config: SimulationConfig,
    private readonly policy: SchedulingPolicy,
    private readonly estimator: SeedableEstimator,
    private readonly framework: SchedulingFramework,
    private readonly wallClock: () => number,
  ) {
    const seed = config.seed ?? 1;
    this.workload = seededRandom(seed);
    this.noise = seededRandom(seed * 7919 + 1);
    const batching = new Map<string, BatchingSettings>();
    const batchingOf = (modelKey: string): BatchingSettings => {
      let b = batching.get(modelKey);
      if (!b) {
        b = {
          maxBatchSize: config.maxBatchSize?.[modelKey] ?? 0,
          maxQueueDelayMs: config.maxQueueDelayMs?.[modelKey] ?? 0,
          preferredBatchSizes: [],
        };
        batching.set(modelKey, b);
      }
      return b;
    };
    const ids = config.devices.map((d) => d.id);
    // production's rule for a pair not known yet (the slowest known device's estimate)
    this.devices = config.devices.map(
      (spec, i) =>
        new SimDevice(spec, i, batchingOf, (modelKey, rows) => predictServiceMs(estimator, modelKey, spec.id, rows, ids), estimator),
    );
    this.snapshots = this.devices.map((d) => d.snapshot);
    // Shared progress only where something is shared: host cores, or a device's speed among its runs.
    const parallel = config.devices.map((d) => d.parallel ?? d.capacity ?? 1);
    const sharedDevice = config.devices.some((d, i) => parallel[i] < (d.capacity ?? 1));
    this.cores =
      config.host?.cores || sharedDevice
        ? new CoreShare<SharedWork>(config.host?.cores || undefined, parallel, config.host?.backgroundCores ?? 0)
        : undefined;
    this.stats = new SimulationStats(config.classes, this.devices, config.warmupMs ?? 0, config.durationMs);
    const total = config.classes.reduce((sum, c) => sum + c.share, 0);
    let acc = 0;
    this.cumulativeShare = config.classes.map((c) => (acc += c.share / total));
    this.ctx = {
      job: { modelKey: '', batchSize: 1, priority: 0 },
      now: 0,
      devices: this.snapshots,
      estimator,
      state: new Map(),
      sequence: 0,
      random: seededRandom(seed * 104729 + 2),
    };
  }

  execute(): SimulationReport {
    this.calibrate();
    const arrival = this.config.arrival;
    if (arrival.kind === 'closed') {
      for (let client = 0; client < arrival.clients; client++) this.agenda.push(0, { kind: 'arrival', client });
    } else {
      this.agenda.push(exponentialSample(this.workload, 1000 / arrival.ratePerSecond), { kind: 'arrival', client: -1 });
    }
    for (let event = this.agenda.pop(); event !== undefined; event = this.agenda.pop()) {
      if (event.time > this.config.durationMs) break;
      this.now = event.time;
      const e = event.payload;
      if (e.kind === 'arrival') this.arrive(e.client);
      else if (e.kind === 'cores') this.coresDone(e.generation);
      else if (e.kind === 'wake') this.startRuns(this.devices[e.device]);
      else if (e.kind === 'expire') this.expireQueued(e.job);
      else this.finished(e);
    }
    return this.stats.report(this.policy.name);
  }

  private calibrate(): void {
    const calibration = this.config.calibration;
    if (calibration === undefined) return;
    const models = [...new Set(this.config.classes.map((c) => c.modelKey))];
    const random = seededRandom((this.config.seed ?? 1) * 15485863 + 3);
    for (const spec of this.config.devices) {
      for (const model of models) {
        if (spec.serviceMs(model, 1) === undefined) continue;
        if (calibration.mode === 'oracle') {
          for (const b of calibration.batchSizes) {
            for (let k = 0; k < (calibration.samples ?? 3); k++) this.estimator.observe(model, spec.id, b, spec.serviceMs(model, b)!);
          }
        } else this.sweep(spec, model, calibration, random);
      }
    }
  }

  /** The service's calibration procedure on a simulated device: noisy runs, warm-up effects, a budget. */
  private sweep(spec: SimDeviceSpec, model: string, c: Extract<SimCalibration, { mode: 'sweep' }>, random: () => number): void {
    let elapsed = 0;
    let runs = 0;
    const seen = new Set<number>();
    const sizes = sweepSizes(c.modelMaxBatch?.[model] ?? this.config.maxBatchSize?.[model] ?? 0, c.maxBatch ?? 32);
    const sweep = calibrationSweep(
      sizes,
      { budgetMs: c.budgetMs ?? 3000, maxBatch: c.maxBatch ?? 32, repeats: c.repeats, warmupRuns: c.warmupRuns },
      () => elapsed,
    );
    let step = sweep.next();
    while (!step.done) {
      const b = step.value;
      const cold = runs++ === 0 ? (spec.coldRunFactor ?? 3) : seen.has(b) ? 1 : (spec.newShapeFactor ?? 1.5);
      seen.add(b);
      const ms = spec.serviceMs(model, b)! * cold * noiseFactor(random, spec.noise ?? 0);
      elapsed += ms;
      step = sweep.next(ms);
    }
    const points = step.value.points.map((p) => ({ batchSize: p.batchSize, ms: p.ms, samples: p.runs }));
    if (!points.length) return;
    if (this.estimator.seed) this.estimator.seed(model, spec.id, points);
    else for (const p of points) for (let k = 0; k < p.samples; k++) this.estimator.observe(model, spec.id, p.batchSize, p.ms);
  }

  private arrive(client: number): void {
    const arrival = this.config.arrival;
    if (arrival.kind === 'open') {
      this.agenda.push(this.now + exponentialSample(this.workload, 1000 / arrival.ratePerSecond), {
        kind: 'arrival',
        client: -1,
      });
    }
    const job = this.newJob(client);
    if (this.config.host) this.queueOnHost({ kind: 'admit', job });
    else this.admit(job);
  }

  private queueOnHost(work: HostWork): void {
    this.hostQueue.push(work);
    if (!this.hostBusy) this.startHostWork();
  }

  private startHostWork(): void {
    const work = this.hostQueue.shift();
    this.hostBusy = work !== undefined;
    if (!work) return;
    const host = this.config.host!;
    const ms =
      work.kind === 'admit' ? host.perJobMs + (host.perKiBMs ?? 0) * (this.config.classes[work.job.classIndex].kib ?? 0) : host.perRunMs;
    this.occupy(ms, -1, 1, { kind: 'host', work });
  }

  /** Runs `ms` of full-speed work on a device (-1: the serving thread), sharing what is modelled as shared. */
  private occupy(ms: number, device: number, cores: number, work: SharedWork): void {
    if (this.cores) {
      this.cores.add(this.now, ms, device, cores, work);
      this.scheduleCores();
    } else {
      this.agenda.push(this.now + ms, work);
    }
  }

  private scheduleCores(): void {
    const cores = this.cores!;
    if (cores.generation === this.coresScheduled) return; // its next completion is on the agenda
    const at = cores.nextDoneAt();
    if (at === undefined) return;
    this.coresScheduled = cores.generation;
    this.agenda.push(Math.max(at, this.now), { kind: 'cores', generation: cores.generation });
  }

  private coresDone(generation: number): void {
    const cores = this.cores!;
    if (generation !== cores.generation) return; // superseded: the rate changed since
    this.coresScheduled = -1;
    for (const work of cores.takeDone(this.now)) this.finished(work);
    this.scheduleCores();
  }

  private finished(work: SharedWork): void {
    if (work.kind === 'done') {
      this.complete(work.run);
      return;
    }
    const w = work.work;
    if (w.kind === 'admit') this.admit(w.job);
    else this.reply(w.run);
    this.startHostWork();
  }

  private admit(job: SimJob): void {
    const client = job.client;
    const arrival = this.config.arrival;
    const deviceIndex = this.place(job);
    if (deviceIndex < 0) {
      this.stats.rejected++;
      if (client >= 0) this.nextFromClient(client, Math.max(arrival.kind === 'closed' ? (arrival.thinkMs ?? 0) : 0, 1));
      return;
    }
    job.deviceIndex = deviceIndex;
    job.enqueuedAt = this.now;
    const device = this.devices[deviceIndex];
    device.enqueue(job);
    if (job.deadlineAt !== undefined) this.agenda.push(job.deadlineAt, { kind: 'expire', job });
    this.startRuns(device);
  }

  /** A queued job's deadline came (the dispatcher's expiry timer): dropped, its client answered. */
  private expireQueued(job: SimJob): void {
    if (this.devices[job.deviceIndex].expire(job)) this.dropped(job);
  }

  private dropped(job: SimJob): void {
    if (this.now >= (this.config.warmupMs ?? 0)) this.stats.expired++;
    const arrival = this.config.arrival;
    if (arrival.kind === 'closed') this.nextFromClient(job.client, arrival.thinkMs ?? 0);
  }

  private newJob(client: number): SimJob {
    const u = this.workload();
    let classIndex = 0;
    while (classIndex < this.cumulativeShare.length - 1 && u >= this.cumulativeShare[classIndex]) classIndex++;
    const c = this.config.classes[classIndex];
    return {
      seq: this.jobSeq++,
      classIndex,
      modelKey: c.modelKey,
      rows: c.batchSize,
      signature: c.modelKey,
      level: c.priority && c.priority > 0 ? c.priority : (this.config.defaultPriorityLevel ?? DEFAULT_PRIORITY_LEVEL),
      enqueuedAt: this.now,
      arrivedAt: this.now,
      deadlineAt: c.timeoutMs === undefined ? undefined : this.now + c.timeoutMs,
      client,
      deviceIndex: -1,
    };
  }

  /** Builds the context and runs the framework: the same call production makes. */
  private place(job: SimJob): number {
    for (const device of this.devices) device.refreshSnapshot(job.modelKey, this.now, job.level);
    const ctx = this.ctx;
    ctx.job.modelKey = job.modelKey;
    ctx.job.batchSize = job.rows;
    ctx.job.priority = this.config.classes[job.classIndex].priority ?? 0;
    ctx.job.deadlineAt = job.deadlineAt;
    ctx.now = this.now;
    ctx.state.clear();
    const t0 = this.wallClock();
    const result = this.framework.schedule(this.policy, ctx);
    this.stats.decisionWallMs += this.wallClock() - t0;
    this.stats.decisions++;
    ctx.sequence++;
    return result.status === 'scheduled' ? result.deviceIndex : -1;
  }

  private startRuns(device: SimDevice): void {
    const { started, expired, wakeAt } = device.startRuns(this.now, this.noise);
    for (const run of started) this.occupy(run.actualMs, run.deviceIndex, device.spec.hostCores ?? 0, { kind: 'done', run });
    for (const job of expired) this.dropped(job);
    if (wakeAt !== undefined && wakeAt > this.now) this.agenda.push(wakeAt, { kind: 'wake', device: device.index });
  }

  private complete(run: SimRun): void {
    const device = this.devices[run.deviceIndex];
    device.finish(run);
    run.actualMs = this.now - run.startedAt; // longer than its work when the cores were shared
    this.estimator.observe(run.modelKey, device.spec.id, run.rows, run.actualMs);
    this.startRuns(device);
    if (this.config.host) this.queueOnHost({ kind: 'reply', run });
    else this.reply(run);
  }

  /** The run's results reach their clients. */
  private reply(run: SimRun): void {
    this.stats.completed(run, this.now);
    const arrival = this.config.arrival;
    if (arrival.kind !== 'closed') return;
    for (const job of run.jobs) this.nextFromClient(job.client, arrival.thinkMs ?? 0);
  }

  private nextFromClient(client: number, afterMs: number): void {
    this.agenda.push(this.now + afterMs, { kind: 'arrival', client });
  }
}
