import { relative, resolve } from 'node:path';
import type { BenchReport } from '../report/bench-report.interface';
import type { ProgressBar } from '../report/progress-bar';
import type { Scenario } from '../scenario/scenario.interface';
import type { WorkloadClass } from '../scenario/workload-classes';
import { findHostProfile, loadHostModel } from '../sim/load-host-model';
import { runScaleStudy } from '../sim/scale-study';
import { runSimLanes } from '../sim/sim-lanes';
import { hostFacts } from './host-facts';

export interface SimRunOptions {
  scenario: Scenario;
  classes: WorkloadClass[];
  /** A profile file, or "host" for this host's newest calibration profile in `profilesDir`. */
  profile: string;
  profilesDir: string;
  command: string;
  scale: boolean;
  progress: ProgressBar;
}

/** Runs a scenario in the discrete-event simulator on a profile's devices (and the scale study). */
export function runSimBenchmark(o: SimRunOptions): BenchReport {
  const file = o.profile === 'host' ? findHostProfile(o.profilesDir) : o.profile;
  const model = loadHostModel(file, { slots: o.scenario.sim.capacity, app: o.scenario.app });
  const sim = runSimLanes(o.scenario, o.classes, model.devices, (name, i, n) => o.progress.update('simulating lanes', (i + 1) / n, name));
  const scale = o.scale
    ? runScaleStudy(o.scenario, o.classes, model.devices, (label, i, n) => o.progress.update('scale study', (i + 1) / n, label))
    : [];
  return {
    scenario: o.scenario,
    classes: o.classes,
    target: 'sim',
    createdAt: new Date().toISOString(),
    command: o.command,
    host: hostFacts(),
    profile: { file: relativeTo(file), name: model.name, source: model.source, description: model.description, notes: model.notes },
    devices: model.devices.map((d) => ({ id: d.id, kind: d.kind, costWeight: d.costWeight, slots: d.slots })),
    lanes: sim.lanes,
    ideal: { ...sim.ideal, source: `from the profile's noise-free service times at each class's batch size` },
    ...(scale.length ? { scale } : {}),
    notes: [
      "Discrete-event simulation: simulated clock and devices running the dispatcher's own queueing and batching code, the production scheduling framework, policies (PolicyRegistry of DEFAULT_POLICY_FACTORIES) and EWMA estimator, calibrated by the service's own procedure on the simulated devices (warm-up, noisy runs, a budget) and learning online from simulated runs only (no oracle).",
      `Each lane simulates ${o.scenario.sim.durationS} s with log-normal service-time noise sigma ${o.scenario.sim.noise}; "+batching" lanes merge queued jobs up to each model's max batch size (max queue delay 0).`,
      '"only:<device>" lanes run the mix on that device alone: the best of them is the best single device.',
      'Throughput (jobs/s) is of the whole mix; "of ideal" divides it by the LP ideal without merging, so dynamic batching can exceed 100 %.',
      `Decision cost is measured on the machine that ran the simulation (${hostFacts().cpuModel}).`,
    ],
  };
}

function relativeTo(file: string): string {
  return relative(process.cwd(), resolve(file));
}
