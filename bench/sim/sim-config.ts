import { DEMO_MODELS } from '@switchyard/models';
import type { SimDeviceSpec, SimHostModel, SimulationConfig } from '@switchyard/simulator';
import type { ArrivalSpec } from '../scenario/scenario.interface';
import type { WorkloadClass } from '../scenario/workload-classes';
import type { DeviceModel } from './device-model.interface';

export interface SimRunShape {
  devices: readonly DeviceModel[];
  classes: readonly WorkloadClass[];
  arrival: ArrivalSpec;
  durationMs: number;
  warmupMs: number;
  noise: number;
  batching: boolean;
  seed: number;
  /** The serving thread's cost (absent: free). */
  host?: SimHostModel;
  /**
   * How the estimator starts: the service's calibration sweep ("sweep", the default: noisy runs,
   * warm-up, then online learning only), or the true service times ("oracle": an upper bound).
   */
  calibration?: 'sweep' | 'oracle';
}

/** Largest batch the dynamic batcher may form per model: the demo models' max_batch_size. */
export function maxBatchSizes(models: readonly string[]): Record<string, number> {
  const known = new Map(DEMO_MODELS.map((m) => [m.name, 'maxBatchSize' in m ? m.maxBatchSize : 0]));
  return Object.fromEntries(models.map((m) => [m, known.get(m) ?? 0]));
}

/** The simulator's config for a scenario on a set of device models. */
export function simulationConfig(shape: SimRunShape): SimulationConfig {
  const models = [...new Set(shape.classes.map((c) => c.model))];
  const devices: SimDeviceSpec[] = shape.devices.map((d) => ({
    id: d.id,
    kind: d.kind,
    costWeight: d.costWeight,
    capacity: d.slots,
    serviceMs: d.serviceMs,
    noise: shape.noise,
    ...(d.hostCores !== undefined ? { hostCores: d.hostCores } : {}),
    ...(d.parallel !== undefined ? { parallel: d.parallel } : {}),
    ...(d.switchMs !== undefined ? { switchMs: d.switchMs } : {}),
  }));
  return {
    devices,
    ...(shape.host ? { host: { ...shape.host } } : {}),
    classes: shape.classes.map((c) => ({
      modelKey: c.model,
      batchSize: c.batchSize,
      share: c.share,
      ...(c.timeoutMs !== undefined ? { timeoutMs: c.timeoutMs } : {}),
      ...(c.priority !== undefined ? { priority: c.priority } : {}),
    })),
    ...(shape.batching ? { maxBatchSize: maxBatchSizes(models) } : {}),
    arrival:
      shape.arrival.mode === 'closed'
        ? { kind: 'closed', clients: shape.arrival.clients }
        : { kind: 'open', ratePerSecond: shape.arrival.ratePerSecond },
    durationMs: shape.durationMs,
    warmupMs: shape.warmupMs,
    seed: shape.seed,
    calibration:
      shape.calibration === 'oracle'
        ? { mode: 'oracle', batchSizes: [1, 2, 4, 8, 16, 32, 64], samples: 3 }
        : { mode: 'sweep', budgetMs: 3000, maxBatch: 32, modelMaxBatch: maxBatchSizes(models) },
  };
}
