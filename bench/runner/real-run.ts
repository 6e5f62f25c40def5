import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join, relative } from 'node:path';
import { runLoad } from '../load/load-generator';
import type { RequestRecord } from '../load/request-record.interface';
import type { BenchReport, TwinHost } from '../report/bench-report.interface';
import type { ProgressBar } from '../report/progress-bar';
import { compareSimToReal, SIM_THROUGHPUT_TOLERANCE } from '../report/sim-vs-real';
import type { Scenario } from '../scenario/scenario.interface';
import { WorkloadSampler, type WorkloadClass } from '../scenario/workload-classes';
import { seededRandom } from '@switchyard/common';
import { countRun, fitHostModel, hostCoresPerRun, unionLength, type HostSample } from '../sim/host-overhead';
import { fitDecreasing } from '../fit/fit-parameter';
import { gapSpread, hostSamplesOfRounds, splitRounds, type RoundSplit } from '../fit/round-split';
import { idealOf } from '../sim/ideal';
import { loadHostModel } from '../sim/load-host-model';
import { simulationConfig } from '../sim/sim-config';
import { runSimLanes } from '../sim/sim-lanes';
import type { BenchDevice, LaneResult } from '../stats/lane-result.interface';
import { latencyStats } from '../stats/percentile';
import { runShare, summariseLane } from '../stats/summarise-lane';
import { InprocTarget } from '../targets/inproc.target';
import type { LaneSpec, RealTarget } from '../targets/real-target.interface';
import { hostFacts } from './host-facts';
import { hostCpuTimes, hostLoadSince, idleHostLoad, otherWorkAround, type HostLoad } from './host-load';
import { planLanes } from './lane-plan';
import { treeCpu, treeCpuSince, type ThreadCpu } from './thread-cpu';

/** How long a lane waits for outstanding requests after its end before it counts them unfinished. */
const DRAIN_MS = 20_000;
const WARM_UP_MS = 2_000;
/** Bisection steps for the cores a run got (host cores / 2^steps apart). */
const CORE_FIT_STEPS = 10;
/** Idle time before each lane in which the host's other work is measured (the twin's background). */
const IDLE_PROBE_MS = 500;
/** Other work (runnable threads, mean over the fit rounds) below which the background is not fitted. */
const MIN_FIT_BACKGROUND = 0.5;
/** Largest number of cores one runnable thread of other work may stand for in the twin. */
const MAX_BACKGROUND_SCALE = 4;

export interface RealRunOptions {
  target: RealTarget;
  scenario: Scenario;
  classes: WorkloadClass[];
  dir: string;
  command: string;
  compareSim: boolean;
  /**
   * Rounds (numbered from 1) the twin's host model is fitted on; the twin is then compared with
   * the other rounds only (out of sample). Undefined: fitted on and compared with every round.
   */
  fitRounds?: number[];
  progress: ProgressBar;
}

/** Runs every lane of a scenario on a started real target and assembles the report. */
/** What one lane gathered in each round (cpu: undefined where the round could not measure it). */
interface LaneTotals {
  records: RequestRecord[];
  decisionUs: number[];
  byRound: Array<{ records: RequestRecord[]; busyMs: number; cpu: ThreadCpu | undefined; load: HostLoad }>;
}

export async function runRealBenchmark(o: RealRunOptions): Promise<BenchReport> {
  const { target, scenario, classes } = o;
  const facts = hostFacts();
  const host = target.host();
  const lanes = planLanes(
    scenario,
    target.name,
    host.devices.map((d) => d.id),
  );
  mkdirSync(join(o.dir, 'raw'), { recursive: true });
  await warmUp(o, lanes[lanes.length - 1]);
  const collected = new Map(lanes.map((l): [string, LaneTotals] => [l.lane, { records: [], decisionUs: [], byRound: [] }]));
  const total = lanes.length * scenario.rounds;
  let step = 0;
  // other work's demand, measured with this run idle before each lane and after the last: a lane's
  // load gets the probe before it and the one after it (the next lane's), which bracket it
  let previous: HostLoad | undefined;
  const probeIdle = async () => {
    const probe = await idleHostLoad(IDLE_PROBE_MS);
    if (previous) previous.idleAfter = probe;
    return probe;
  };
  for (let round = 0; round < scenario.rounds; round++) {
    // odd rounds run the lanes in reverse, so that no lane always runs first or last
    for (const lane of round % 2 === 0 ? lanes : [...lanes].reverse()) {
      const label = `lane ${++step}/${total} ${lane.lane}${scenario.rounds > 1 ? ` (round ${round + 1})` : ''}`;
      const into = collected.get(lane.lane)!;
      const idleBefore = await probeIdle();
      const busy = performance.eventLoopUtilization();
      const cpu = treeCpu();
      const hostCpu = hostCpuTimes();
      const records = (await runLane(o, lane, round, step, label)).map((r) => ({ ...r, round }));
      into.records.push(...records);
      previous = { ...hostLoadSince(hostCpu), idleBefore };
      into.byRound[round] = { records, busyMs: performance.eventLoopUtilization(busy).active, cpu: treeCpuSince(cpu), load: previous };
      if (target instanceof InprocTarget) into.decisionUs.push(...target.takeDecisionTimes());
      if (target.diagnose && into.records.some((r) => r.unfinished))
        o.progress.message(`${lane.lane}: requests unanswered after the drain; target state: ${JSON.stringify(target.diagnose())}`);
    }
  }
  await probeIdle();
  const window = { warmupMs: scenario.warmupS * 1000, durationMs: scenario.durationS * 1000 };
  const results: LaneResult[] = lanes.map((lane) => {
    const { records, decisionUs, byRound } = collected.get(lane.lane)!;
    writeRaw(join(o.dir, 'raw', `${lane.lane.replace(/[^\w.+-]+/g, '_')}.jsonl.gz`), lane.lane, records);
    const result = summariseLane(lane, records, window, host.devices, scenario.rounds);
    if (lane.kind !== 'direct' && decisionUs.length) result.decisionUs = latencyStats(decisionUs).mean;
    result.loadByRound = byRound.map((r) => r.load);
    if (target.servesInProcess) {
      // per round (what an out-of-sample fit uses) and pooled over the rounds
      result.hostByRound = byRound.map((r) => hostSample(r.records, r.busyMs, r.cpu));
      const cpu = byRound.every((r) => r.cpu)
        ? { mainMs: sumOf(byRound, (r) => r.cpu!.mainMs), othersMs: sumOf(byRound, (r) => r.cpu!.othersMs) }
        : undefined;
      result.host = hostSample(
        records,
        sumOf(byRound, (r) => r.busyMs),
        cpu,
      );
    }
    o.progress.message(
      `${lane.lane}: ${result.throughputJobsPerS.toFixed(1)} jobs/s, p50 ${result.latencyMs.p50.toFixed(1)} ms, p99 ${result.latencyMs.p99.toFixed(1)} ms, ${result.errors} errors`,
    );
    return result;
  });
  const split = o.fitRounds ? fitSplitOf(splitRounds(scenario.rounds, o.fitRounds), lanes, collected, window, host.devices) : undefined;
  const report: BenchReport = {
    scenario,
    classes,
    target: target.name,
    createdAt: new Date().toISOString(),
    command: o.command,
    host: facts,
    devices: host.devices,
    lanes: results,
    notes: realNotes(target.name, scenario.rounds, host.calibrationStatus),
  };
  if (host.calibrationProfile) attachModel(report, host.calibrationProfile, host.workers, o, split);
  else report.notes.push('No calibration profile was written (calibration skipped?): no LP ideal and no simulated twin.');
  return report;
}

/** Each lane measured on the fit rounds and on the held-out rounds separately (rounds renumbered from 0 within each side). */
function fitSplitOf(
  rounds: RoundSplit,
  lanes: readonly LaneSpec[],
  collected: ReadonlyMap<string, LaneTotals>,
  window: { warmupMs: number; durationMs: number },
  devices: BenchDevice[],
): FitSplit {
  const measure = (which: readonly number[]) =>
    lanes.map((lane) => {
      const records = which.flatMap((round, i) =>
        (collected.get(lane.lane)!.byRound[round]?.records ?? []).map((r) => ({ ...r, round: i })),
      );
      return summariseLane(lane, records, window, devices, which.length);
    });
  return { ...rounds, fitLanes: measure(rounds.fit), heldOutLanes: measure(rounds.heldOut) };
}

/** The LP ideal from this host's calibration profile and, on request, the simulated twin of the run. */
function attachModel(report: BenchReport, profileFile: string, workers: Record<string, number>, o: RealRunOptions, split?: FitSplit): void {
  const model = loadHostModel(profileFile, { slots: { ...workers, ...o.scenario.sim.capacity }, app: o.scenario.app });
  const devices = model.devices.filter((d) => report.devices.some((r) => r.id === d.id));
  report.profile = {
    file: relative(process.cwd(), profileFile),
    name: model.name,
    source: model.source,
    description: model.description,
    notes: model.notes,
  };
  const ideal = idealOf(
    simulationConfig({
      devices,
      classes: o.classes,
      arrival: o.scenario.arrival,
      durationMs: 1,
      warmupMs: 0,
      noise: 0,
      batching: false,
      seed: 1,
    }),
  );
  report.ideal = {
    ...ideal,
    source: `from this host's calibration profile (slots per device = pool workers: ${devices.map((d) => `${d.id} ${d.slots}`).join(', ')})`,
  };
  for (const lane of report.lanes) lane.fractionOfIdeal = lane.throughputJobsPerS / ideal.jobsPerS;
  if (!o.compareSim) return;
  if (!o.target.servesInProcess) {
    report.notes.push(
      'No simulated twin: the server runs in another process, whose serving thread this harness does not measure (the twin needs its cost); run the in-process target for the comparison.',
    );
    return;
  }
  o.progress.message("simulating the same scenario on this host's calibration profile");
  // The serving thread's cost, fitted once over the lanes of each path (raw pools; the scheduler),
  // and the host cores each device's runs take: both share this host's cores in the twin. With
  // fit rounds: fitted on those rounds' figures only, and compared with the other rounds.
  const samples = split
    ? hostSamplesOfRounds(report.lanes, split.fit)
    : report.lanes.filter((l) => l.host).map((l) => ({ kind: l.kind, ...l.host! }));
  const fit = (direct: boolean) => fitHostModel(samples.filter((l) => (l.kind === 'direct') === direct));
  const cores = samples.length > 0 && samples.every((l) => l.measuredBy === 'thread-cpu') ? availableParallelism() : undefined;
  // Host cores per ms of a run's full-speed work: its time in the same profile the twin runs on.
  const fullSpeedMs = (id: string, model: string, rows: number) => devices.find((d) => d.id === id)?.serviceMs(model, rows);
  const coresPerRun = cores ? hostCoresPerRun(samples, fullSpeedMs) : {};
  // The twin's devices take as many runs at once as the pools do (capacity), of which as many
  // progress at full speed as they have workers (a WebGPU worker's two tasks share one queue).
  const host: TwinHost = { direct: fit(true), scheduler: fit(false), cores, coresPerRun };
  const twinDevices = devices.map((d) => {
    const capacity = Math.max(d.slots, report.devices.find((r) => r.id === d.id)?.slots ?? d.slots);
    return { ...d, slots: capacity, parallel: d.slots, ...(coresPerRun[d.id] !== undefined ? { hostCores: coresPerRun[d.id] } : {}) };
  });
  const twins = (which: 'direct' | 'scheduler', sharedCores: number | undefined, backgroundCores: number | undefined) => {
    const fitted = host[which];
    const model = fitted
      ? {
          perJobMs: fitted.perJobMs,
          perRunMs: fitted.perRunMs,
          ...(sharedCores ? { cores: sharedCores, ...(backgroundCores ? { backgroundCores } : {}) } : {}),
        }
      : undefined;
    return runSimLanes(
      o.scenario,
      o.classes,
      twinDevices,
      (name, i, n) => o.progress.update(`simulated twin (${which})`, (i + 1) / n, name),
      model,
    ).lanes;
  };
  const simulate = (sharedCores: number | undefined, backgroundCores?: number) => {
    const out = report.lanes.some((l) => l.kind === 'direct')
      ? twins('direct', sharedCores, backgroundCores).filter((l) => !l.batching)
      : [];
    if (report.lanes.some((l) => l.kind !== 'direct'))
      out.push(...twins('scheduler', sharedCores, backgroundCores).filter((l) => l.batching || !o.scenario.sim.batching));
    return out;
  };
  // Out of sample on a host shared with other work. What other work demanded is measured before
  // and after each lane, with this run idle, as runnable threads (otherWorkAround: the busy cores
  // such a probe sees stop at the host's cores, while 5 threads wanting 2 cores leave this run
  // far less than 2 waiting ones would), not from what the lane did. The twin gets it as
  // background demand on the shared cores: scale x the fit rounds' mean for the fit, x the
  // held-out rounds' mean for the prediction, x each round's own in the round table. How many
  // cores of the twin's demand one such thread stands for (the scale) is fitted on the fit rounds
  // (the twin's jobs/s summed over their lanes equal to the measured sum). Where the fit rounds
  // had next to no other work, the scale means nothing and the cores this run got are fitted
  // instead, then used unchanged for the held-out rounds.
  const backgroundOf = (rounds: readonly number[]) =>
    meanOf(report.lanes.flatMap((l) => rounds.map((r) => otherWorkAround(l.loadByRound?.[r]))));
  const measured = split && cores ? { fit: backgroundOf(split.fit), heldOut: backgroundOf(split.heldOut) } : undefined;
  const background =
    measured?.fit !== undefined && measured.heldOut !== undefined && measured.fit >= MIN_FIT_BACKGROUND
      ? { fit: measured.fit, heldOut: measured.heldOut }
      : undefined;
  if (split && cores) {
    const ratio = (c: number, backgroundCores?: number) => {
      const fitRows = compareSimToReal(split.fitLanes, simulate(c, backgroundCores));
      return fitRows.reduce((acc, r) => acc + r.simJobsPerS, 0) / fitRows.reduce((acc, r) => acc + r.realJobsPerS, 0);
    };
    if (background) {
      o.progress.message('fitting the cores one thread of other work takes, on the fit rounds');
      const scale = fitDecreasing((k) => ratio(cores, k * background.fit), 1, 0, MAX_BACKGROUND_SCALE, CORE_FIT_STEPS);
      host.background = { ...background, scale };
    } else {
      o.progress.message('fitting the cores this run got on the fit rounds');
      host.effectiveCores = fitDecreasing((c) => -ratio(c), -1, 0.05, cores, CORE_FIT_STEPS);
    }
  }
  const twinCores = host.effectiveCores ?? cores;
  const scaled = (threads: number | undefined) => (host.background && threads !== undefined ? host.background.scale * threads : undefined);
  const lanes = simulate(twinCores, scaled(host.background?.heldOut));
  if (!split) {
    report.simVsReal = { tolerance: SIM_THROUGHPUT_TOLERANCE, rows: compareSimToReal(report.lanes, lanes), simLanes: lanes, host };
    return;
  }
  const rows = compareSimToReal(split.heldOutLanes, lanes);
  const inSampleRows = compareSimToReal(split.fitLanes, host.background ? simulate(twinCores, scaled(host.background.fit)) : lanes);
  // each round's twin, with that round's other work (the round table)
  const predictedByRound: Record<string, number[]> = {};
  for (let r = 0; r < o.scenario.rounds; r++) {
    const roundLanes = host.background ? simulate(twinCores, scaled(backgroundOf([r]))) : lanes;
    for (const row of compareSimToReal(report.lanes, roundLanes)) (predictedByRound[row.realLane] ??= [])[r] = row.simJobsPerS;
  }
  const byRound = Object.fromEntries(split.heldOutLanes.map((l) => [l.lane, l.jobsPerSByRound ?? [l.throughputJobsPerS]]));
  const roundGaps = rows.flatMap((r) =>
    (byRound[r.realLane] ?? []).flatMap((x, i) => {
      const predicted = predictedByRound[r.realLane]?.[split.heldOut[i]] ?? r.simJobsPerS;
      return x > 0 ? [predicted / x - 1] : [];
    }),
  );
  report.simVsReal = {
    tolerance: SIM_THROUGHPUT_TOLERANCE,
    rows,
    simLanes: lanes,
    host,
    split: {
      fitRounds: split.fit.map((r) => r + 1),
      heldOutRounds: split.heldOut.map((r) => r + 1),
      heldOutJobsPerSByRound: byRound,
      predictedJobsPerSByRound: predictedByRound,
      inSampleRows,
      heldOut: gapSpread(rows.map((r) => r.throughputGap)),
      heldOutByRound: gapSpread(roundGaps),
      inSample: gapSpread(inSampleRows.map((r) => r.throughputGap)),
    },
  };
}

function meanOf(values: ReadonlyArray<number | undefined>): number | undefined {
  const ok = values.filter((v): v is number => v !== undefined);
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : undefined;
}

/** The rounds the host model is fitted on and the held-out rest, with each side's lanes measured on its rounds only. */
interface FitSplit extends RoundSplit {
  fitLanes: LaneResult[];
  heldOutLanes: LaneResult[];
}

async function runLane(o: RealRunOptions, lane: LaneSpec, round: number, step: number, label: string): Promise<RequestRecord[]> {
  await o.target.beforeLane(lane);
  return runLoad({
    arrival: o.scenario.arrival,
    durationMs: o.scenario.durationS * 1000,
    sampler: new WorkloadSampler(o.classes, seededRandom(o.scenario.seed * 31 + step)),
    send: o.target.sender(lane, o.classes),
    seed: o.scenario.seed + round,
    drainMs: DRAIN_MS,
    onProgress: (f, answered) => o.progress.update(label, f, `${answered} answered`),
  });
}

/**
 * Untimed traffic before the first lane (JIT, pools' first runs, HTTP connections), so that the
 * first lane is not penalised for going first.
 */
async function warmUp(o: RealRunOptions, lane: LaneSpec): Promise<void> {
  await o.target.beforeLane(lane);
  await runLoad({
    arrival: o.scenario.arrival,
    durationMs: WARM_UP_MS,
    sampler: new WorkloadSampler(o.classes, seededRandom(o.scenario.seed * 17)),
    send: o.target.sender(lane, o.classes),
    drainMs: DRAIN_MS,
    onProgress: (f) => o.progress.update(`warm-up (${lane.lane}, not measured)`, f),
  });
}

/** The serving thread's work in a lane: answered jobs and the session runs they shared. */
function hostSample(records: readonly RequestRecord[], busyMs: number, cpu: ThreadCpu | undefined): HostSample {
  let jobs = 0;
  let runs = 0;
  const runMsByDevice: Record<string, number> = {};
  const runsByShape: NonNullable<HostSample['runsByShape']> = {};
  // a run's interval ends about when its jobs were answered; records of each round have their own clock
  const intervals = new Map<string, Array<[number, number]>>();
  for (const r of records) {
    if (!r.ok) continue;
    jobs++;
    const share = runShare(r);
    runs += share;
    if (!r.deviceId) continue;
    countRun(runsByShape, r.deviceId, r.model, r.executedBatchSize ?? r.batchSize, share);
    if (r.computeMs === undefined) continue;
    runMsByDevice[r.deviceId] = (runMsByDevice[r.deviceId] ?? 0) + share * r.computeMs;
    const key = `${r.deviceId}\n${r.round ?? 0}`;
    if (!intervals.has(key)) intervals.set(key, []);
    intervals.get(key)!.push([r.doneMs - r.computeMs, r.doneMs]);
  }
  const busyMsByDevice: Record<string, number> = {};
  for (const [key, list] of intervals) {
    const device = key.slice(0, key.indexOf('\n'));
    busyMsByDevice[device] = (busyMsByDevice[device] ?? 0) + unionLength(list);
  }
  const shared = { jobs, runs, runMsByDevice, busyMsByDevice, runsByShape };
  return cpu
    ? { busyMs: cpu.mainMs, measuredBy: 'thread-cpu', othersCpuMs: cpu.othersMs, ...shared }
    : { busyMs, measuredBy: 'event-loop', ...shared };
}

function sumOf<T>(items: readonly T[], f: (item: T) => number): number {
  return items.reduce((acc, item) => acc + f(item), 0);
}

/** One JSON line per request, gzipped (committed with the report: every number can be recomputed). */
function writeRaw(file: string, lane: string, records: readonly RequestRecord[]): void {
  writeFileSync(file, gzipSync(records.map((r) => `${JSON.stringify({ lane, ...r })}\n`).join('')));
}

function realNotes(target: string, rounds: number, calibration?: string): string[] {
  return [
    `Target ${target}: ${
      target === 'http'
        ? 'POST /v2/models/{m}/infer with binary tensor data from this process to the server in another process.'
        : target === 'direct'
          ? "each device's worker pool called directly (onnxruntime-node in the pool workers), no scheduler."
          : 'the real SchedulerService and pools in this process, without HTTP.'
    }`,
    `Start-up calibration: ${calibration ?? 'unknown'}; every scheduler lane starts from the calibrated estimator${target === 'http' ? ' (over HTTP it cannot be reset: later lanes start from what earlier ones learnt)' : ''}.`,
    'Latency counts from the intended send time (closed loop: the moment the client sent it; open loop: its Poisson time).',
    "Cost per 1k inferences: each job is charged its share of the session run that served it (batch / executed batch), busy time is divided by the pool's slots and weighted by the device's cost weight.",
    `Before the first lane, ${WARM_UP_MS / 1000} s of untimed traffic warms the path up; every lane then runs ${rounds === 1 ? 'once' : `${rounds} times (odd rounds in reverse order, pooled)`}. On a host shared with other work, lane-to-lane differences of tens of percent are noise (compare the load average above; raw/*.jsonl.gz keeps each job's compute time, which shows the contention).`,
    'single-device lanes pin every job to one device through the scheduler (with its dynamic batching); direct lanes bypass the scheduler.',
  ];
}
