import { createWriteStream, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runLoad } from '../load/load-generator';
import type { RequestRecord } from '../load/request-record.interface';
import type { BenchReport } from '../report/bench-report.interface';
import type { ProgressBar } from '../report/progress-bar';
import { compareSimToReal, SIM_THROUGHPUT_TOLERANCE } from '../report/sim-vs-real';
import type { Scenario } from '../scenario/scenario.interface';
import { WorkloadSampler, type WorkloadClass } from '../scenario/workload-classes';
import { createPrng } from '@switchyard/scheduler';
import { idealOf } from '../sim/ideal';
import { loadHostModel } from '../sim/load-host-model';
import { simulationConfig } from '../sim/sim-config';
import { runSimLanes } from '../sim/sim-lanes';
import type { LaneResult } from '../stats/lane-result.interface';
import { latencyStats } from '../stats/percentile';
import { summariseLane } from '../stats/summarise-lane';
import { InprocTarget } from '../targets/inproc.target';
import type { LaneSpec, RealTarget } from '../targets/real-target.interface';
import { hostFacts } from './host-facts';
import { planLanes } from './lane-plan';

/** How long a lane waits for outstanding requests after its end before it counts them unfinished. */
const DRAIN_MS = 20_000;
const WARM_UP_MS = 2_000;

export interface RealRunOptions {
  target: RealTarget;
  scenario: Scenario;
  classes: WorkloadClass[];
  dir: string;
  command: string;
  compareSim: boolean;
  progress: ProgressBar;
}

/** Runs every lane of a scenario on a started real target and assembles the report. */
export async function runRealBenchmark(o: RealRunOptions): Promise<BenchReport> {
  const { target, scenario, classes } = o;
  const facts = hostFacts();
  const host = target.host();
  const lanes = planLanes(scenario, target.name, host.devices.map((d) => d.id));
  mkdirSync(join(o.dir, 'raw'), { recursive: true });
  await warmUp(o, lanes[lanes.length - 1]);
  const collected = new Map(lanes.map((l) => [l.lane, { records: [] as RequestRecord[], decisionUs: [] as number[] }]));
  const total = lanes.length * scenario.rounds;
  let step = 0;
  for (let round = 0; round < scenario.rounds; round++) {
    // odd rounds run the lanes in reverse, so that no lane always runs first or last
    for (const lane of round % 2 === 0 ? lanes : [...lanes].reverse()) {
      const label = `lane ${++step}/${total} ${lane.lane}${scenario.rounds > 1 ? ` (round ${round + 1})` : ''}`;
      const into = collected.get(lane.lane)!;
      into.records.push(...(await runLane(o, lane, round, step, label)).map((r) => ({ ...r, round })));
      if (target instanceof InprocTarget) into.decisionUs.push(...target.takeDecisionTimes());
      if (target.diagnose && into.records.some((r) => r.unfinished)) o.progress.message(`${lane.lane}: requests unanswered after the drain; target state: ${JSON.stringify(target.diagnose())}`);
    }
  }
  const window = { warmupMs: scenario.warmupS * 1000, durationMs: scenario.durationS * 1000 };
  const results: LaneResult[] = lanes.map((lane) => {
    const { records, decisionUs } = collected.get(lane.lane)!;
    writeRaw(join(o.dir, 'raw', `${lane.lane.replace(/[^\w.+-]+/g, '_')}.jsonl`), lane.lane, records);
    const result = summariseLane(lane, records, window, host.devices, scenario.rounds);
    if (lane.kind !== 'direct' && decisionUs.length) result.decisionUs = latencyStats(decisionUs).mean;
    o.progress.message(`${lane.lane}: ${result.throughputJobsPerS.toFixed(1)} jobs/s, p50 ${result.latencyMs.p50.toFixed(1)} ms, p99 ${result.latencyMs.p99.toFixed(1)} ms, ${result.errors} errors`);
    return result;
  });
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
  if (host.calibrationProfile) attachModel(report, host.calibrationProfile, host.workers, o);
  else report.notes.push('No calibration profile was written (calibration skipped?): no LP ideal and no simulated twin.');
  return report;
}

/** The LP ideal from this host's calibration profile and, on request, the simulated twin of the run. */
function attachModel(report: BenchReport, profileFile: string, workers: Record<string, number>, o: RealRunOptions): void {
  const model = loadHostModel(profileFile, { slots: { ...workers, ...o.scenario.sim.capacity }, app: o.scenario.app });
  const devices = model.devices.filter((d) => report.devices.some((r) => r.id === d.id));
  report.profile = { file: relative(process.cwd(), profileFile), name: model.name, source: model.source, description: model.description, notes: model.notes };
  const ideal = idealOf(simulationConfig({ devices, classes: o.classes, arrival: o.scenario.arrival, durationMs: 1, warmupMs: 0, noise: 0, batching: false, seed: 1 }));
  report.ideal = { ...ideal, source: `from this host's calibration profile (slots per device = pool workers: ${devices.map((d) => `${d.id} ${d.slots}`).join(', ')})` };
  for (const lane of report.lanes) lane.fractionOfIdeal = lane.throughputJobsPerS / ideal.jobsPerS;
  if (!o.compareSim) return;
  o.progress.message('simulating the same scenario on this host\'s calibration profile');
  const sim = runSimLanes(o.scenario, o.classes, devices, (name, i, n) => o.progress.update('simulated twin', (i + 1) / n, name));
  report.simVsReal = { tolerance: SIM_THROUGHPUT_TOLERANCE, rows: compareSimToReal(report.lanes, sim.lanes), simLanes: sim.lanes };
}

async function runLane(o: RealRunOptions, lane: LaneSpec, round: number, step: number, label: string): Promise<RequestRecord[]> {
  await o.target.beforeLane(lane);
  return runLoad({
    arrival: o.scenario.arrival,
    durationMs: o.scenario.durationS * 1000,
    sampler: new WorkloadSampler(o.classes, createPrng(o.scenario.seed * 31 + step)),
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
    sampler: new WorkloadSampler(o.classes, createPrng(o.scenario.seed * 17)),
    send: o.target.sender(lane, o.classes),
    drainMs: DRAIN_MS,
    onProgress: (f) => o.progress.update(`warm-up (${lane.lane}, not measured)`, f),
  });
}

function writeRaw(file: string, lane: string, records: readonly RequestRecord[]): void {
  const out = createWriteStream(file);
  for (const r of records) out.write(`${JSON.stringify({ lane, ...r })}\n`);
  out.end();
}

function realNotes(target: string, rounds: number, calibration?: string): string[] {
  return [
    `Target ${target}: ${
      target === 'http'
        ? 'POST /v2/models/{m}/infer with binary tensor data from this process to the server in another process.'
        : target === 'direct'
          ? 'each device\'s worker pool called directly (onnxruntime-node in the pool workers), no scheduler.'
          : 'the real SchedulerService and pools in this process, without HTTP.'
    }`,
    `Start-up calibration: ${calibration ?? 'unknown'}; every scheduler lane starts from the calibrated estimator${target === 'http' ? ' (over HTTP it cannot be reset: later lanes start from what earlier ones learnt)' : ''}.`,
    'Latency counts from the intended send time (closed loop: the moment the client sent it; open loop: its Poisson time).',
    'Cost per 1k inferences: each job is charged its share of the session run that served it (batch / executed batch), busy time is divided by the pool\'s slots and weighted by the device\'s cost weight.',
    `Before the first lane, ${WARM_UP_MS / 1000} s of untimed traffic warms the path up; every lane then runs ${rounds === 1 ? 'once' : `${rounds} times (odd rounds in reverse order, pooled)`}. On a host shared with other work, lane-to-lane differences of tens of percent are noise (compare the load average above; raw/*.jsonl keeps each job's compute time, which shows the contention).`,
    'single-device lanes pin every job to one device through the scheduler (with its dynamic batching); direct lanes bypass the scheduler.',
  ];
}
