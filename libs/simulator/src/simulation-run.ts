import type { SchedulingFramework } from '@switchyard/scheduler';
import type { DeviceSnapshot, SchedulingContext, SchedulingPolicy } from '@switchyard/scheduler';
import type { ServiceTimeEstimator } from '@switchyard/scheduler';
import { CoreShare } from './core-share';
import { EventQueue } from './event-queue';
import type { SimulationConfig } from './interfaces/simulation-config.interface';
import type { SimulationReport } from './interfaces/simulation-report.interface';
import { createPrng, exponentialSample } from './prng';
import { SimDevice } from './sim-device';
import type { SimJob, SimRun } from './sim-job.interface';
import { SimulationStats } from './simulation-stats';

/** Work of the serving thread: a job on its way in, or a run's results on their way out. */
type HostWork = { kind: 'admit'; job: SimJob } | { kind: 'reply'; run: SimRun };
/** What finishes on the shared cores: a device run, or the serving thread's current work. */
type SharedWork = { kind: 'done'; run: SimRun } | { kind: 'host'; work: HostWork };
type Event = { kind: 'arrival'; client: number } | SharedWork | { kind: 'cores'; generation: number };

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
    private readonly estimator: ServiceTimeEstimator,
    private readonly framework: SchedulingFramework,
    private readonly wallClock: () => number,
  ) {
    const seed = config.seed ?? 1;
    this.workload = createPrng(seed);
    this.noise = createPrng(seed * 7919 + 1);
    const maxBatchOf = (modelKey: string) => config.maxBatchSize?.[modelKey] ?? 0;
    this.devices = config.devices.map((spec, i) => new SimDevice(spec, i, maxBatchOf));
    this.snapshots = this.devices.map((d) => d.snapshot);
    // Shared progress only where something is shared: host cores, or a device's speed among its runs.
    const parallel = config.devices.map((d) => d.parallel ?? d.capacity ?? 1);
    const sharedDevice = config.devices.some((d, i) => parallel[i] < (d.capacity ?? 1));
    this.cores = config.host?.cores || sharedDevice ? new CoreShare<SharedWork>(config.host?.cores || undefined, parallel) : undefined;
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
      random: createPrng(seed * 104729 + 2),
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
      else this.finished(e);
    }
    return this.stats.report(this.policy.name);
  }

  private calibrate(): void {
    const calibration = this.config.calibration;
    if (calibration === undefined) return;
    const models = new Set(this.config.classes.map((c) => c.modelKey));
    for (const spec of this.config.devices) {
      for (const model of models) {
        for (const b of calibration.batchSizes) {
          const ms = spec.serviceMs(model, b);
          if (ms === undefined) continue;
          for (let k = 0; k < (calibration.samples ?? 3); k++) this.estimator.observe(model, spec.id, b, ms);
        }
      }
    }
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
    this.occupy(work.kind === 'admit' ? host.perJobMs : host.perRunMs, -1, 1, { kind: 'host', work });
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
    const device = this.devices[deviceIndex];
    device.enqueue(job);
    this.startRuns(device);
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
      batchSize: c.batchSize,
      arrivedAt: this.now,
      deadlineAt: c.timeoutMs === undefined ? undefined : this.now + c.timeoutMs,
      client,
      deviceIndex: -1,
    };
  }

  /** Builds the context and runs the framework: the same call production makes. */
  private place(job: SimJob): number {
    for (const device of this.devices) device.refreshSnapshot(job.modelKey, this.now, this.estimator);
    const ctx = this.ctx;
    ctx.job.modelKey = job.modelKey;
    ctx.job.batchSize = job.batchSize;
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
    for (const run of device.startRuns(this.now, this.estimator, this.noise)) {
      this.occupy(run.actualMs, run.deviceIndex, device.spec.hostCores ?? 0, { kind: 'done', run });
    }
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
