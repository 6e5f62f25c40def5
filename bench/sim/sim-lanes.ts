import { DEFAULT_POLICY_FACTORIES, EwmaServiceTimeEstimator, PolicyRegistry } from '@switchyard/scheduler';
import { Simulator, type SimHostModel, type SimulationConfig, type SimulationReport } from '@switchyard/simulator';
import type { Scenario } from '../scenario/scenario.interface';
import type { WorkloadClass } from '../scenario/workload-classes';
import type { LaneKind, LaneResult } from '../stats/lane-result.interface';
import type { DeviceModel } from './device-model.interface';
import { idealOf, type IdealResult } from './ideal';
import { simulationConfig } from './sim-config';

/** The production registry: the simulator runs the same policy objects the service does. */
export const POLICY_REGISTRY = new PolicyRegistry(DEFAULT_POLICY_FACTORIES);

export interface SimLanesResult {
  lanes: LaneResult[];
  ideal: IdealResult;
  config: SimulationConfig;
}

/**
 * Runs a scenario in the simulator: every policy, and every device alone (the single-device
 * baselines), without dynamic batching and (when the scenario allows it) with it, each from a
 * fresh estimator seeded by calibration. Also the LP ideal of the mix on those devices (of the
 * devices alone: the ideal ignores `host`, the serving thread's cost).
 */
export function runSimLanes(
  scenario: Scenario,
  classes: readonly WorkloadClass[],
  devices: readonly DeviceModel[],
  onLane?: (name: string, index: number, total: number) => void,
  host?: SimHostModel,
): SimLanesResult {
  const shape = {
    host,
    classes,
    arrival: scenario.arrival,
    durationMs: scenario.sim.durationS * 1000,
    warmupMs: Math.min(scenario.sim.durationS * 100, (scenario.warmupS / scenario.durationS) * scenario.sim.durationS * 1000),
    noise: scenario.sim.noise,
    seed: scenario.seed,
  };
  const modes = scenario.sim.batching ? [false, true] : [false];
  const jobs: Array<{ lane: string; kind: LaneKind; subject: string; batching: boolean; devices: readonly DeviceModel[]; policy: string }> =
    [];
  for (const batching of modes) {
    const suffix = batching ? '+batching' : '';
    for (const d of devices)
      jobs.push({
        lane: `only:${d.id}${suffix}`,
        kind: 'single-device',
        subject: d.id,
        batching,
        devices: [d],
        policy: scenario.policies[0],
      });
    for (const policy of scenario.policies)
      jobs.push({ lane: `${policy}${suffix}`, kind: 'policy', subject: policy, batching, devices, policy });
  }
  const full = simulationConfig({ ...shape, devices, batching: false });
  const ideal = idealOf(full);
  const lanes = jobs.map((job, i) => {
    onLane?.(job.lane, i, jobs.length);
    const config = simulationConfig({ ...shape, devices: job.devices, batching: job.batching });
    const report = new Simulator(config).run({ policy: POLICY_REGISTRY.get(job.policy), estimator: new EwmaServiceTimeEstimator() });
    return { ...laneFromSimulation(report, job), fractionOfIdeal: report.throughputJobsPerSecond / ideal.jobsPerS };
  });
  return { lanes, ideal, config: full };
}

/** A simulation report in the shape of a real lane's result. */
export function laneFromSimulation(
  report: SimulationReport,
  id: { lane: string; kind: LaneKind; subject: string; batching: boolean },
): LaneResult {
  const runs = report.devices.reduce((s, d) => s + d.runs, 0);
  return {
    lane: id.lane,
    kind: id.kind,
    subject: id.subject,
    batching: id.batching,
    source: 'sim',
    windowS: report.windowMs / 1000,
    requests: report.jobs + report.rejected,
    completed: report.jobs,
    errors: report.rejected,
    unfinished: 0,
    throughputJobsPerS: report.throughputJobsPerSecond,
    throughputRowsPerS: report.throughputRowsPerSecond,
    latencyMs: { count: report.jobs, ...report.latencyMs },
    costPer1k: report.costPer1kInferences,
    deviceShare: Object.fromEntries(report.devices.map((d) => [d.deviceId, d.share])),
    rowsPerRun: runs > 0 ? report.rows / runs : 0,
    ...(report.decisionsPerSecond > 0 ? { decisionUs: 1e6 / report.decisionsPerSecond } : {}),
  };
}
