import { EwmaServiceTimeEstimator } from '@switchyard/scheduler';
import { Simulator, type ServiceTimeFn } from '@switchyard/simulator';
import type { Scenario } from '../scenario/scenario.interface';
import type { WorkloadClass } from '../scenario/workload-classes';
import type { DeviceModel } from './device-model.interface';
import { idealOf } from './ideal';
import { simulationConfig } from './sim-config';
import { POLICY_REGISTRY } from './sim-lanes';

/** Speed of the k-th copy of a device kind: mixed generations, so that a large fleet is heterogeneous. */
const SPEEDS = [1, 0.7, 1.3, 0.85, 1.15];
/** About this many arrivals per simulated run (bounds the study's wall time at 64 devices). */
const ARRIVALS_PER_RUN = 20_000;

export interface ScalePoint {
  devices: number;
  policy: string;
  /** Offered load as a fraction of the LP ideal of this fleet. */
  load: number;
  idealJobsPerS: number;
  offeredJobsPerS: number;
  throughputJobsPerS: number;
  /** Throughput / LP ideal. */
  fractionOfIdeal: number;
  /** Throughput / offered load (1 = kept up). */
  served: number;
  p50Ms: number;
  p99Ms: number;
  /** Mean wall-clock µs of one scheduling decision. */
  decisionUs: number;
  simulatedS: number;
}

/**
 * Fleets of n devices built by cycling through the host's devices (copy k of a device runs at
 * SPEEDS[k mod 5] of its speed), open-loop Poisson load at fractions of each fleet's LP ideal,
 * every listed policy with dynamic batching as the scenario says.
 */
export function runScaleStudy(
  scenario: Scenario,
  classes: readonly WorkloadClass[],
  base: readonly DeviceModel[],
  onPoint?: (label: string, index: number, total: number) => void,
): ScalePoint[] {
  const scale = scenario.sim.scale;
  if (!scale) return [];
  const policies = scale.policies ?? scenario.policies;
  const total = scale.devices.length * scale.loads.length * policies.length;
  const points: ScalePoint[] = [];
  for (const n of scale.devices) {
    const fleet = buildFleet(base, n);
    const ideal = idealOf(
      simulationConfig({
        devices: fleet,
        classes,
        arrival: { mode: 'open', ratePerSecond: 1 },
        durationMs: 1,
        warmupMs: 0,
        noise: 0,
        batching: false,
        seed: 1,
      }),
    );
    for (const load of scale.loads) {
      const rate = load * ideal.jobsPerS;
      const durationMs = Math.min(scenario.sim.durationS * 1000, Math.max(2000, (ARRIVALS_PER_RUN / rate) * 1000));
      for (const policy of policies) {
        onPoint?.(`${n} devices, ${Math.round(load * 100)}% load, ${policy}`, points.length, total);
        const config = simulationConfig({
          devices: fleet,
          classes,
          arrival: { mode: 'open', ratePerSecond: rate },
          durationMs,
          warmupMs: durationMs * 0.2,
          noise: scenario.sim.noise,
          batching: scenario.sim.batching,
          seed: scenario.seed,
        });
        const r = new Simulator(config).run({ policy: POLICY_REGISTRY.get(policy), estimator: new EwmaServiceTimeEstimator() });
        points.push({
          devices: n,
          policy,
          load,
          idealJobsPerS: ideal.jobsPerS,
          offeredJobsPerS: rate,
          throughputJobsPerS: r.throughputJobsPerSecond,
          fractionOfIdeal: r.throughputJobsPerSecond / ideal.jobsPerS,
          served: r.throughputJobsPerSecond / rate,
          p50Ms: r.latencyMs.p50,
          p99Ms: r.latencyMs.p99,
          decisionUs: r.decisionsPerSecond > 0 ? 1e6 / r.decisionsPerSecond : NaN,
          simulatedS: durationMs / 1000,
        });
      }
    }
  }
  return points;
}

/** n devices cycling through `base`; copy k of a device is SPEEDS[k mod 5] times as fast. */
export function buildFleet(base: readonly DeviceModel[], n: number): DeviceModel[] {
  return Array.from({ length: n }, (_, i) => {
    const d = base[i % base.length];
    const copy = Math.floor(i / base.length);
    const speed = SPEEDS[copy % SPEEDS.length];
    const serviceMs: ServiceTimeFn = (model, b) => {
      const ms = d.serviceMs(model, b);
      return ms === undefined ? undefined : ms / speed;
    };
    return { ...d, id: `${d.kind}:${i}`, serviceMs };
  });
}
