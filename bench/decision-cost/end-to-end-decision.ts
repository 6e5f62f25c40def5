import { SwitchyardEvents, seededRandom } from '@switchyard/common';
import type { DeviceInfo } from '@switchyard/devices';
import type { ServedModel } from '@switchyard/models';
import {
  EwmaServiceTimeEstimator,
  predictServiceMs,
  type InferenceJob,
  type SchedulingContext,
  type SchedulingFramework,
  type SchedulingPolicy,
} from '@switchyard/scheduler';
import { DeviceDispatcher, deviceSnapshot, modelDevices } from '@switchyard/scheduler/testing';
// the dispatcher's own test clock: the bench drives real dispatchers on simulated time
// eslint-disable-next-line no-restricted-imports
import { ManualClock } from '../../libs/scheduler/src/dispatch/testing/manual-clock';
import { median, percentileOfSorted } from '../stats/percentile';
import { HeldPool } from './held-pool';

const MODELS = ['mlp_small', 'mlp_large', 'cnn_small'];

export interface EndToEndOptions {
  devices: number;
  queuedJobs: number;
  /** Estimator updates (completions) per decision: each invalidates the cached queued work. */
  observesPerDecision: number;
  /**
   * Jobs that join a queue, and jobs that leave one, per decision (0 when absent): each changes
   * one device's queues, whose cached load is then recomputed (production: a placed job is queued
   * and a batch is dispatched between two decisions).
   */
  queueChangesPerDecision?: number;
  decisions: number;
}

export interface EndToEndRow extends EndToEndOptions {
  policy: string;
  /** Each decision alone (snapshots + filter + policy), timed by the monotonic clock: ns, in order. */
  decisionNs: number[];
  /** Median, 90th and 99th percentile of decisionNs. */
  medianNs: number;
  p90Ns: number;
  p99Ns: number;
  /** Median ns between two back-to-back clock reads (included in every decisionNs). */
  timerMedianNs: number;
  /**
   * Per round of ROUND decisions: CPU ns (user + system of this process) per decision, the state
   * changes between decisions and the clock reads included.
   */
  cpuNsByRound: number[];
  /** Per round: wall-clock ns per decision, as cpuNsByRound. */
  wallNsByRound: number[];
  /** Median over the rounds of cpuNsByRound. */
  cpuMedianNs: number;
  /**
   * The same decisions without building snapshots (the framework and policy on snapshots built
   * once), in rounds interleaved with the others: CPU ns per decision, median over its rounds.
   */
  policyOnlyMedianNs: number;
  /** medianNs / policyOnlyMedianNs: what building the snapshots multiplies a decision's cost by. */
  ratio: number;
}

/** Decisions per timed round. */
const ROUND = 1000;

function servedModel(name: string, deviceIds: string[]): ServedModel {
  return {
    key: `${name}@1`,
    name,
    state: 'READY',
    devices: deviceIds,
    maxBatchSize: 32,
    config: { max_batch_size: 32, dynamic_batching: { max_queue_delay_microseconds: 0 } },
  } as unknown as ServedModel;
}

function job(model: ServedModel, rows: number, id: number): InferenceJob {
  const data = new Float32Array(rows * 4).buffer;
  return { id: `j${id}`, model, inputs: [{ name: 'input', datatype: 'FP32', shape: [rows, 4], data }], batchSize: rows, receivedAt: 0 };
}

/** The state a decision is made in, and the decision itself, step by step (see decisionBench()). */
export interface DecisionBench {
  /** What happens before decision `i` (estimator updates, jobs joining and leaving queues, the clock moving), then the decision. */
  decide: (i: number) => void;
  /** What happens before decision `i` alone. */
  between: (i: number) => void;
  /** Decision `i` alone (`i` varies the job): snapshots + filter + policy. */
  decideOnly: (i: number) => void;
  /** The same decision on snapshots built once (the framework and policy alone). */
  policyOnly: (i: number) => void;
  close: () => void;
}

/**
 * Builds `devices` real dispatchers holding `queuedJobs` queued jobs in front of pools that never
 * finish, and the whole placement decision as the scheduler makes it on them: a snapshot of every
 * device (deviceSnapshot(): the dispatcher's running sums), the canRun filter, and the framework
 * with a production policy. Warmed up (JIT) before it is returned.
 */
export function decisionBench(
  framework: SchedulingFramework,
  policy: SchedulingPolicy,
  o: Omit<EndToEndOptions, 'decisions'>,
  warmUp = 5000,
): DecisionBench {
  const random = seededRandom(o.devices * 17 + o.queuedJobs);
  const clock = new ManualClock(0);
  const estimator = new EwmaServiceTimeEstimator();
  const events = new SwitchyardEvents();
  const ids = Array.from({ length: o.devices }, (_, i) => `${i % 4 === 0 ? 'cpu' : 'gpu'}:${i}`);
  const models = MODELS.map((m) =>
    servedModel(
      m,
      ids.filter(() => random() < 0.9),
    ),
  );
  const devices = ids.map((id, i): { info: DeviceInfo; dispatcher: DeviceDispatcher } => {
    const info = {
      id,
      kind: i % 4 === 0 ? 'cpu' : 'gpu',
      vendor: 'bench',
      name: id,
      executionProvider: null,
      usable: true,
      costWeight: 0.5 + random() * 2,
    } as DeviceInfo;
    for (const m of models) {
      const fixed = 0.2 + random() * 10;
      const perRow = 0.01 + random();
      estimator.seed(
        m.key,
        id,
        [1, 4, 16, 64].map((b) => ({ batchSize: b, ms: fixed + perRow * b, samples: 5 })),
      );
    }
    const pool = new HeldPool(info, 1 + Math.floor(random() * 4));
    const dispatcher = new DeviceDispatcher({
      pool,
      clock,
      estimator,
      events,
      predictServiceMs: (model, rows) => predictServiceMs(estimator, model, id, rows, ids),
    });
    return { info, dispatcher };
  });
  const decision = { policy: policy.name, deviceId: '' };
  for (let i = 0; i < o.queuedJobs; i++) {
    const d = devices[i % devices.length];
    d.dispatcher.enqueue({ job: job(models[i % models.length], 1 + (i % 8), i), decision, level: 1 + (i % 3) * 2 }).catch(() => undefined); // refused at close()
  }
  const ctx: SchedulingContext = {
    job: { modelKey: '', batchSize: 1, priority: 0 },
    now: 0,
    devices: [],
    estimator,
    state: new Map(),
    sequence: 0,
    random,
  };
  const jobs = models.flatMap((m) => [1, 2, 8].map((rows, k) => job(m, rows, -1 - k)));
  const snapshotsFor = (j: InferenceJob) => {
    const runnable = modelDevices(j.model);
    // at level 3, as the scheduler passes the job's level: among the queued levels 1, 3 and 5;
    // the clock read once per decision, as the scheduler reads it
    const now = clock.now();
    return devices.map((d) => deviceSnapshot(j, d.info, d.dispatcher, runnable, 3, now)).filter((s) => s.canRun);
  };
  const schedule = (j: InferenceJob, snapshots: SchedulingContext['devices']): void => {
    ctx.job.modelKey = j.model.key;
    ctx.job.batchSize = j.batchSize;
    ctx.now = clock.now();
    ctx.devices = snapshots;
    ctx.state.clear();
    framework.schedule(policy, ctx);
    ctx.sequence++;
  };
  const waiting: AbortController[] = [];
  const changeQueues = (i: number): void => {
    for (let k = 0; k < (o.queueChangesPerDecision ?? 0); k++) {
      const gone = new AbortController();
      const d = devices[(i * 11 + k * 5 + 3) % devices.length];
      const arriving = job(models[(i + k) % models.length], 1 + ((i + k) % 8), 1_000_000 + i);
      d.dispatcher.enqueue({ job: { ...arriving, signal: gone.signal }, decision, level: 1 + (i % 3) * 2 }).catch(() => undefined); // dropped below
      waiting.push(gone);
      if (waiting.length > 16) waiting.shift()!.abort(); // a job queued a few decisions ago leaves
    }
  };
  const between = (i: number): void => {
    for (let k = 0; k < o.observesPerDecision; k++) estimator.observe(models[i % 3].key, ids[(i * 7 + k) % ids.length], 4, 5 + (i % 5));
    changeQueues(i);
    clock.advance(0.05);
  };
  const decideOnly = (i: number): void => {
    const j = jobs[i % jobs.length];
    schedule(j, snapshotsFor(j));
  };
  const decide = (i: number): void => {
    between(i);
    decideOnly(i);
  };
  for (let i = 0; i < warmUp; i++) decide(i); // warm-up (JIT)
  const prebuilt = jobs.map(snapshotsFor);
  for (const gone of waiting.splice(0)) gone.abort();
  const policyOnly = (i: number): void => {
    clock.advance(0.05);
    schedule(jobs[i % jobs.length], prebuilt[i % jobs.length]);
  };
  for (let i = 0; i < warmUp; i++) policyOnly(i);
  return {
    decide,
    between,
    decideOnly,
    policyOnly,
    close: () => {
      for (const gone of waiting.splice(0)) gone.abort();
      for (const d of devices) d.dispatcher.close();
    },
  };
}

/**
 * Times the whole placement decision (decisionBench()) in rounds of ROUND decisions, interleaved
 * with rounds of the policy alone: each decision on its own by the monotonic clock (the state
 * changes between decisions untimed), and this process's CPU time and the wall clock per round.
 */
export function measureEndToEnd(framework: SchedulingFramework, policy: SchedulingPolicy, o: EndToEndOptions): EndToEndRow {
  const { between, decideOnly, policyOnly, close } = decisionBench(framework, policy, o);
  const cpuNsByRound: number[] = [];
  const wallNsByRound: number[] = [];
  const policyNsByRound: number[] = [];
  const decisionNs = new Float64Array(o.decisions);
  const timerNs = new Float64Array(o.decisions);
  const round = (from: number) => {
    const wall = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    for (let i = from; i < from + ROUND; i++) {
      between(i);
      const t0 = process.hrtime.bigint();
      decideOnly(i);
      const t1 = process.hrtime.bigint();
      decisionNs[i] = Number(t1 - t0);
      timerNs[i] = Number(process.hrtime.bigint() - t1); // the clock's own cost, read back to back
    }
    const spent = process.cpuUsage(cpu);
    cpuNsByRound.push(((spent.user + spent.system) * 1000) / ROUND);
    wallNsByRound.push(Number(process.hrtime.bigint() - wall) / ROUND);
  };
  const policyRound = (from: number) => {
    const cpu = process.cpuUsage();
    for (let i = from; i < from + ROUND; i++) policyOnly(i);
    const spent = process.cpuUsage(cpu);
    policyNsByRound.push(((spent.user + spent.system) * 1000) / ROUND);
  };
  for (let done = 0; done < o.decisions; done += ROUND) {
    round(done);
    policyRound(done);
  }
  close();
  const sorted = [...decisionNs].sort((a, b) => a - b);
  const medianNs = percentileOfSorted(sorted, 0.5);
  const policyOnlyMedianNs = median(policyNsByRound);
  return {
    ...o,
    policy: policy.name,
    decisionNs: [...decisionNs],
    medianNs,
    p90Ns: percentileOfSorted(sorted, 0.9),
    p99Ns: percentileOfSorted(sorted, 0.99),
    timerMedianNs: median([...timerNs]),
    cpuNsByRound,
    wallNsByRound,
    cpuMedianNs: median(cpuNsByRound),
    policyOnlyMedianNs,
    ratio: medianNs / policyOnlyMedianNs,
  };
}
