import {
  EwmaServiceTimeEstimator,
  type DeviceSnapshot,
  type SchedulingContext,
  type SchedulingFramework,
  type SchedulingPolicy,
} from '@switchyard/scheduler';
import { seededRandom } from '@switchyard/common';
import { median } from '../stats/percentile';

export interface DecisionCostRow {
  policy: string;
  devices: number;
  /** Whether jobs carried a deadline (the framework then also runs the policy's prediction). */
  deadline: boolean;
  decisions: number;
  /** Median over the rounds of the process's CPU time (user + system) per decision. */
  nsPerDecision: number;
  /** Best (least disturbed) round's CPU time per decision. */
  bestNsPerDecision: number;
  /** Median over the rounds of wall-clock time per decision (inflated when the host is loaded). */
  wallNsPerDecision: number;
  decisionsPerSecond: number;
}

const MODELS = ['mlp_small', 'mlp_large', 'cnn_small'];
const BATCHES = [1, 2, 3, 8, 16, 33];
const ROUNDS = 7;

/** A host of n devices of mixed kinds, every (model, device) calibrated at a few batch sizes. */
function host(n: number, random: () => number): { devices: DeviceSnapshot[]; estimator: EwmaServiceTimeEstimator } {
  const estimator = new EwmaServiceTimeEstimator();
  const devices = Array.from({ length: n }, (_, i): DeviceSnapshot => {
    const deviceId = `${i % 4 === 0 ? 'cpu' : 'gpu'}:${i}`;
    for (const model of MODELS) {
      const fixed = 0.2 + random() * 10;
      const perRow = 0.01 + random();
      estimator.seed(
        model,
        deviceId,
        [1, 4, 16, 64].map((b) => ({ batchSize: b, ms: fixed + perRow * b, samples: 5 })),
      );
    }
    return {
      deviceId,
      kind: i % 4 === 0 ? 'cpu' : 'gpu',
      costWeight: 0.5 + random() * 2,
      canRun: random() < 0.9,
      capacity: 1 + Math.floor(random() * 8),
      inFlight: 0,
      queuedJobs: 0,
      backlogMs: 0,
      openBatchRows: 0,
      overtakenBatches: 0,
      maxBatchSize: 64,
    };
  });
  devices[0].canRun = true;
  return { devices, estimator };
}

/**
 * Median ns per decision over ROUNDS rounds of about `seconds` each, in CPU time of this process
 * (so that other processes on a shared host do not inflate it) and in wall-clock time. Between decisions one device's
 * load changes and the job varies (model, batch size), as in a live scheduler.
 */
export function measureDecisionCost(
  framework: SchedulingFramework,
  policy: SchedulingPolicy,
  options: { devices: number; deadline: boolean; seconds: number },
): DecisionCostRow {
  const random = seededRandom(options.devices * 31 + 7);
  const { devices, estimator } = host(options.devices, random);
  const ctx: SchedulingContext = {
    job: { modelKey: MODELS[0], batchSize: 1, priority: 0 },
    now: 0,
    devices,
    estimator,
    state: new Map(),
    sequence: 0,
    random,
  };
  const step = (): void => {
    const i = ctx.sequence;
    const d = devices[i % devices.length];
    d.backlogMs = (i * 7919) % 200;
    d.queuedJobs = i % 13;
    d.inFlight = i % d.capacity;
    d.openBatchRows = i % 5 === 0 ? i % 17 : 0;
    d.overtakenBatches = i % 3 === 0 ? i % 11 : 0;
    ctx.job.modelKey = MODELS[i % MODELS.length];
    ctx.job.batchSize = BATCHES[i % BATCHES.length];
    ctx.job.deadlineAt = options.deadline ? ctx.now + 150 : undefined;
    ctx.now += 0.01;
    framework.schedule(policy, ctx);
    ctx.sequence++;
  };
  for (let i = 0; i < 20_000; i++) step(); // warm-up (JIT)
  const cpuPerRound: number[] = [];
  const wallPerRound: number[] = [];
  let decisions = 0;
  const budgetUs = options.seconds * 1e6;
  for (let round = 0; round < ROUNDS; round++) {
    const wall = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    let count = 0;
    let used = 0;
    while (used < budgetUs) {
      for (let k = 0; k < 1000; k++) step();
      count += 1000;
      const spent = process.cpuUsage(cpu);
      used = spent.user + spent.system;
    }
    cpuPerRound.push((used * 1000) / count);
    wallPerRound.push(Number(process.hrtime.bigint() - wall) / count);
    decisions += count;
  }
  const nsPerDecision = median(cpuPerRound);
  return {
    policy: policy.name,
    devices: options.devices,
    deadline: options.deadline,
    decisions,
    nsPerDecision,
    bestNsPerDecision: Math.min(...cpuPerRound),
    wallNsPerDecision: median(wallPerRound),
    decisionsPerSecond: 1e9 / nsPerDecision,
  };
}
