/** One entry of a scenario's workload mix: a model and how its requests are sized. */
export interface WorkloadEntry {
  /** Model name as served ("mlp_small"); the version is the served default. */
  model: string;
  /** Relative frequency of this model among requests (normalised over the mix). */
  share: number;
  /** Batch-size distribution: batch size -> probability (normalised). */
  batch: Record<number, number>;
  /** Triton priority (1 highest; 0 = default level). */
  priority?: number;
  /** Per-request timeout, ms (sent as Triton's `timeout` in microseconds). */
  timeoutMs?: number;
}

/** Closed loop: N clients, each sends its next request as soon as the previous one answered. */
export interface ClosedLoopSpec {
  mode: 'closed';
  clients: number;
}

/**
 * Open loop: Poisson arrivals at a mean rate. Latency counts from each request's INTENDED send
 * time, so a stalled target or load generator shows up as queueing (no coordinated omission).
 */
export interface OpenLoopSpec {
  mode: 'open';
  ratePerSecond: number;
}

export type ArrivalSpec = ClosedLoopSpec | OpenLoopSpec;

/** Baselines run next to the policies on real targets. */
export type BaselineName = 'direct' | 'single-device';

/** How the scenario runs in the discrete-event simulator. */
export interface SimSpec {
  /** "host" (this host's newest calibration profile in profiles/) or a profile file path. */
  profile: string;
  /** Simulated seconds per run. @defaultValue 60 */
  durationS: number;
  /** Log-normal sigma of service-time noise. @defaultValue 0.05 */
  noise: number;
  /** Parallel slots per device id or kind ("gpu"), overriding the profile. */
  capacity: Record<string, number>;
  /** Also run the policies with dynamic batching at each model's max batch size. @defaultValue true */
  batching: boolean;
  /** The scale study: device counts and loads (fractions of the LP ideal). */
  scale?: { devices: number[]; loads: number[]; policies?: string[] };
}

/** A benchmark scenario (bench/scenarios/*.yaml|json), validated. */
export interface Scenario {
  name: string;
  description: string;
  /** Seconds each lane (policy or baseline) runs, warm-up included. */
  durationS: number;
  /** Seconds at the start of each lane left out of the statistics. */
  warmupS: number;
  /** Times every lane runs (odd rounds in reverse order), pooled: evens out drift on a busy host. */
  rounds: number;
  policies: string[];
  baselines: BaselineName[];
  workload: WorkloadEntry[];
  arrival: ArrivalSpec;
  /** Server options (SWITCHYARD_* without the prefix) for the real targets. */
  app: Record<string, string | number | boolean>;
  sim: SimSpec;
  /** Seeds the workload draws. */
  seed: number;
}
