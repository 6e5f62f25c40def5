import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
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
import type { RealTarget } from '../targets/real-target.interface';
import { hostFacts } from './host-facts';
import { planLanes } from './lane-plan';

/** How long a lane waits for outstanding requests after its end before it counts them unfinished. */
const DRAIN_MS = 20_000;

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
  const results: LaneResult[] = [];
  mkdirSync(join(o.dir, 'raw'), { recursive: true });
  for (const [i, lane] of lanes.entries()) {
    await target.beforeLane(lane);
    const step = `lane ${i + 1}/${lanes.length} ${lane.lane}`;
    const records = await runLoad({
      arrival: scenario.arrival,
      durationMs: scenario.durationS * 1000,
      sampler: new WorkloadSampler(classes, createPrng(scenario.seed * 31 + i)),
      send: target.sender(lane, classes),
      seed: scenario.seed,
      drainMs: DRAIN_MS,
      onProgress: (f, answered) => o.progress.update(step, f, `${answered} answered`),
    });
    writeRaw(join(o.dir, 'raw', `${lane.lane.replace(/[^\w.+-]+/g, '_')}.jsonl`), lane.lane, records);
    const result = summariseLane(lane, records, { warmupMs: scenario.warmupS * 1000, durationMs: scenario.durationS * 1000 }, host.devices);
    if (target instanceof InprocTarget && lane.kind !== 'direct') {
      const us = target.takeDecisionTimes();
      if (us.length) result.decisionUs = latencyStats(us).mean;
    }
    results.push(result);
    if (result.unfinished > 0 && target.diagnose) o.progress.message(`${lane.lane}: ${result.unfinished} requests unanswered after the drain; target state: ${JSON.stringify(target.diagnose())}`);
    o.progress.message(`${lane.lane}: ${result.throughputJobsPerS.toFixed(1)} jobs/s, p50 ${result.latencyMs.p50.toFixed(1)} ms, p99 ${result.latencyMs.p99.toFixed(1)} ms, ${result.errors} errors`);
  }
  const report: BenchReport = {
    scenario,
    classes,
    target: target.name,
    createdAt: new Date().toISOString(),
    command: o.command,
    host: facts,
    devices: host.devices,
    lanes: results,
    notes: realNotes(target.name, host.calibrationStatus),
  };
  if (host.calibrationProfile) attachModel(report, host.calibrationProfile, host.workers, o);
  else report.notes.push('No calibration profile was written (calibration skipped?): no LP ideal and no simulated twin.');
  return report;
}

/** The LP ideal from this host's calibration profile and, on request, the simulated twin of the run. */
function attachModel(report: BenchReport, profileFile: string, workers: Record<string, number>, o: RealRunOptions): void {
  const model = loadHostModel(profileFile, { slots: { ...workers, ...o.scenario.sim.capacity }, app: o.scenario.app });
  const devices = model.devices.filter((d) => report.devices.some((r) => r.id === d.id));
  report.profile = { file: profileFile, name: model.name, source: model.source, description: model.description, notes: model.notes };
  const ideal = idealOf(simulationConfig({ devices, classes: o.classes, arrival: o.scenario.arrival, durationMs: 1, warmupMs: 0, noise: 0, batching: false, seed: 1 }));
  report.ideal = { ...ideal, source: `from this host's calibration profile (slots per device = pool workers: ${devices.map((d) => `${d.id} ${d.slots}`).join(', ')})` };
  for (const lane of report.lanes) lane.fractionOfIdeal = lane.throughputJobsPerS / ideal.jobsPerS;
  if (!o.compareSim) return;
  o.progress.message('simulating the same scenario on this host\'s calibration profile');
  const sim = runSimLanes(o.scenario, o.classes, devices, (name, i, n) => o.progress.update('simulated twin', (i + 1) / n, name));
  report.simVsReal = { tolerance: SIM_THROUGHPUT_TOLERANCE, rows: compareSimToReal(report.lanes, sim.lanes), simLanes: sim.lanes };
}

function writeRaw(file: string, lane: string, records: readonly RequestRecord[]): void {
  const out = createWriteStream(file);
  for (const r of records) out.write(`${JSON.stringify({ lane, ...r })}\n`);
  out.end();
}

function realNotes(target: string, calibration?: string): string[] {
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
    'single-device lanes pin every job to one device through the scheduler (with its dynamic batching); direct lanes bypass the scheduler.',
  ];
}
