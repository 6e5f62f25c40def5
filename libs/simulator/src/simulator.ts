import { SchedulingFramework } from '@switchyard/scheduler';
import type { SchedulingPolicy } from '@switchyard/scheduler';
import type { ServiceTimeEstimator } from '@switchyard/scheduler';
import type { SimulationConfig } from './interfaces/simulation-config.interface';
import type { SimulationReport } from './interfaces/simulation-report.interface';
import { SimulationConfigError } from './simulation-config.error';
import { SimulationRun } from './simulation-run';

/** What a simulation runs: production's policy, estimator and framework objects. */
export interface SimulationParts {
  policy: SchedulingPolicy;
  /** Learns online during the run (pass a fresh one per run to compare policies fairly). */
  estimator: ServiceTimeEstimator;
  /** @defaultValue a new SchedulingFramework() */
  framework?: SchedulingFramework;
  /** Wall clock (ms) for the decisions/s figure only. @defaultValue performance.now */
  wallClock?: () => number;
}

/**
 * Deterministic discrete-event simulator: simulated clock, simulated devices and workload, and
 * the real scheduling framework, policy and estimator (no copies). Same config and seed, same
 * report (except decisionsPerSecond, which is wall-clock).
 */
export class Simulator {
  constructor(private readonly config: SimulationConfig) {
    validate(config);
  }

  run(parts: SimulationParts): SimulationReport {
    const framework = parts.framework ?? new SchedulingFramework();
    const wallClock = parts.wallClock ?? (() => performance.now());
    return new SimulationRun(this.config, parts.policy, parts.estimator, framework, wallClock).execute();
  }
}

function validate(c: SimulationConfig): void {
  const fail = (message: string): never => {
    throw new SimulationConfigError(`simulation config: ${message}`);
  };
  if (c.devices.length === 0) fail('devices must not be empty');
  if (new Set(c.devices.map((d) => d.id)).size !== c.devices.length) fail('device ids must be unique');
  for (const d of c.devices) {
    const capacity = d.capacity ?? 1;
    if (!Number.isInteger(capacity) || capacity < 1) fail(`devices[${d.id}].capacity must be an integer >= 1`);
    if (!((d.costWeight ?? 1) >= 0)) fail(`devices[${d.id}].costWeight must be >= 0`);
    if (!((d.noise ?? 0) >= 0)) fail(`devices[${d.id}].noise must be >= 0`);
  }
  if (c.host && !(c.host.perJobMs >= 0 && c.host.perRunMs >= 0 && (c.host.perKiBMs ?? 0) >= 0))
    fail('host.perJobMs, perRunMs and perKiBMs must be >= 0');
  for (const d of c.devices) if (!((d.switchMs ?? 0) >= 0)) fail(`devices[${d.id}].switchMs must be >= 0`);
  if (c.host?.cores !== undefined && !(c.host.cores > 0)) fail('host.cores must be > 0');
  if (!((c.host?.backgroundCores ?? 0) >= 0)) fail('host.backgroundCores must be >= 0');
  for (const d of c.devices) {
    if (!((d.hostCores ?? 0) >= 0)) fail(`devices[${d.id}].hostCores must be >= 0`);
    if (d.parallel !== undefined && !(Number.isInteger(d.parallel) && d.parallel >= 1))
      fail(`devices[${d.id}].parallel must be an integer >= 1`);
  }
  if (c.classes.length === 0) fail('classes must not be empty');
  c.classes.forEach((k, i) => {
    if (!(k.share > 0)) fail(`classes[${i}].share must be > 0`);
    if (!Number.isInteger(k.batchSize) || k.batchSize < 1) fail(`classes[${i}].batchSize must be an integer >= 1`);
    if (k.timeoutMs !== undefined && !(k.timeoutMs > 0)) fail(`classes[${i}].timeoutMs must be > 0`);
  });
  if (c.arrival.kind === 'closed' && !(Number.isInteger(c.arrival.clients) && c.arrival.clients >= 1)) {
    fail('arrival.clients must be an integer >= 1');
  }
  if (c.arrival.kind === 'open' && !(c.arrival.ratePerSecond > 0)) fail('arrival.ratePerSecond must be > 0');
  if (!(c.durationMs > 0)) fail('durationMs must be > 0');
  if (!((c.warmupMs ?? 0) >= 0 && (c.warmupMs ?? 0) < c.durationMs)) fail('warmupMs must be in [0, durationMs)');
}
