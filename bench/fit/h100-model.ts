import type { SimDeviceSpec, SimHostModel, SimulationConfig } from '@switchyard/simulator';

/** The measured facts of a host (bench/profiles/*-measured.json). */
export interface MeasuredLanes {
  clients: number;
  mix: { model: string; batchSize: number; share: number; kib: number }[];
  perClass: Record<string, Record<string, number>>;
  lanes: Record<LaneName, number>;
}

export type LaneName = 'cpu-only' | 'gpu-only' | 'round-robin' | 'static-split';
export const LANES: readonly LaneName[] = ['cpu-only', 'gpu-only', 'round-robin', 'static-split'];

/** The two parameters fitted on measured lanes. */
export interface FittedParameters {
  /** Extra ms of a CPU run whose worker last ran the other model (mixed sizes on one pool). */
  cpuSwitchMs: number;
  /** ms of one mlp_large batch-64 run on the GPU; undefined: from its per-class rate. */
  gpuLargeMs?: number;
}

/**
 * Fixed, not fitted: what the pools' shapes say. 16 host cores; a CPU run keeps its worker's 4
 * intra-op threads busy; the GPU worker's run keeps 1 host thread busy (WebGPU submission and
 * marshalling); the serving thread pays a fixed cost per job and run and a codec cost per KiB
 * (1 GB/s, an assumption) and takes a core too.
 */
export const FIXED = {
  hostCores: 16,
  cpuSlots: 4,
  cpuRunCores: 4,
  gpuSlots: 1,
  gpuRunCores: 1,
  host: { perJobMs: 0.05, perRunMs: 0.05, perKiBMs: 0.001, cores: 16 } satisfies SimHostModel,
  noise: 0.05,
};

/** The demo models' max_batch_size (calibration sweeps up to it, capped at 32 as the service's default). */
const MODEL_MAX_BATCH = { mlp_small: 64, mlp_large: 64 };

export interface LaneSetup {
  lane: LaneName | 'adaptive' | 'adaptive-oracle';
  policy: string;
  durationMs: number;
  warmupMs: number;
  seed: number;
  /** @defaultValue the measurement's closed loop */
  arrival?: SimulationConfig['arrival'];
  /** Cost weight per device id. @defaultValue 1 */
  costWeights?: Record<string, number>;
}

/** Per-run ms of a class from its per-class rate with all `slots` busy (no batching gain). */
function runMs(rate: number, slots: number): number {
  return (slots * 1000) / rate;
}

/** The simulation config of one lane on the H100 host's device model. */
export function h100Config(m: MeasuredLanes, p: FittedParameters, setup: LaneSetup): SimulationConfig {
  const [small, large] = m.mix;
  const cpu: SimDeviceSpec = {
    id: 'cpu:0',
    kind: 'cpu',
    capacity: FIXED.cpuSlots,
    hostCores: FIXED.cpuRunCores,
    switchMs: p.cpuSwitchMs,
    noise: FIXED.noise,
    serviceMs: (model, rows) =>
      model === small.model
        ? (runMs(m.perClass['cpu:0'][small.model], FIXED.cpuSlots) * rows) / small.batchSize
        : model === large.model
          ? (runMs(m.perClass['cpu:0'][large.model], FIXED.cpuSlots) * rows) / large.batchSize
          : undefined,
  };
  const gpuLarge = p.gpuLargeMs ?? runMs(m.perClass['gpu:0'][large.model], FIXED.gpuSlots);
  const gpu: SimDeviceSpec = {
    id: 'gpu:0',
    kind: 'gpu',
    capacity: FIXED.gpuSlots,
    hostCores: FIXED.gpuRunCores,
    noise: FIXED.noise,
    serviceMs: (model, rows) =>
      model === small.model
        ? (runMs(m.perClass['gpu:0'][small.model], FIXED.gpuSlots) * rows) / small.batchSize
        : model === large.model
          ? (gpuLarge * rows) / large.batchSize
          : undefined,
  };
  cpu.costWeight = setup.costWeights?.['cpu:0'] ?? 1;
  gpu.costWeight = setup.costWeights?.['gpu:0'] ?? 1;
  const only = (d: SimDeviceSpec, model: string): SimDeviceSpec => ({
    ...d,
    serviceMs: (k, rows) => (k === model ? d.serviceMs(k, rows) : undefined),
  });
  const devices =
    setup.lane === 'cpu-only'
      ? [cpu]
      : setup.lane === 'gpu-only'
        ? [gpu]
        : setup.lane === 'static-split'
          ? [only(cpu, small.model), only(gpu, large.model)]
          : [cpu, gpu];
  return {
    devices,
    host: FIXED.host,
    classes: m.mix.map((c) => ({ modelKey: c.model, batchSize: c.batchSize, share: c.share, kib: c.kib })),
    arrival: setup.arrival ?? { kind: 'closed', clients: m.clients },
    durationMs: setup.durationMs,
    warmupMs: setup.warmupMs,
    seed: setup.seed,
    calibration:
      setup.lane === 'adaptive-oracle'
        ? { mode: 'oracle', batchSizes: [1, 2, 4, 8, 16, 32, 64] }
        : { mode: 'sweep', budgetMs: 3000, maxBatch: 32, modelMaxBatch: MODEL_MAX_BATCH },
  };
}
