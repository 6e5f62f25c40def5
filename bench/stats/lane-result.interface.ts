import type { HostLoad } from '../runner/host-load';
import type { HostSample } from '../sim/host-overhead';
import type { LatencyStats } from './percentile';

/** What a lane is: a policy through the scheduler, one pinned device, a raw pool, or the LP. */
export type LaneKind = 'policy' | 'single-device' | 'direct' | 'ideal';

/** A device as the report needs it. */
export interface BenchDevice {
  id: string;
  kind: string;
  costWeight: number;
  /** Parallel session runs the device really does (cost divides busy time by it). */
  slots: number;
}

/** One lane's numbers over its measurement window (the same shape for real and simulated runs). */
export interface LaneResult {
  lane: string;
  kind: LaneKind;
  source: 'real' | 'sim';
  /** Policy name (policy lanes), device id (single-device / direct lanes). */
  subject: string;
  /** Dynamic batching on (sim lanes say it explicitly; real scheduler lanes always batch). */
  batching?: boolean;
  windowS: number;
  /** Requests meant to be sent in the window. */
  requests: number;
  completed: number;
  errors: number;
  unfinished: number;
  throughputJobsPerS: number;
  /** Throughput of each round separately (several rounds): the spread shows the run-to-run noise. */
  jobsPerSByRound?: number[];
  /** Inferences (rows) per second. */
  throughputRowsPerS: number;
  /** From the intended send time; unfinished requests count with their lower bound. */
  latencyMs: LatencyStats;
  /** Cost-weighted busy device-seconds per 1000 inferences. */
  costPer1k: number;
  /** Fraction of completed jobs per device id. */
  deviceShare: Record<string, number>;
  /** Mean rows per session run (dynamic batching merges jobs into bigger runs). */
  rowsPerRun: number;
  /** Scheduler decision cost, µs per decision (real: the SchedulerService's own timing; sim: the framework call). */
  decisionUs?: number;
  /** throughput / LP ideal, when an ideal is known. */
  fractionOfIdeal?: number;
  /**
   * The serving thread over the whole lane (all rounds, warm-up and drain included): its busy
   * time (event-loop utilisation), the jobs answered and the session runs they took. Real lanes
   * of targets that serve in this process.
   */
  host?: HostSample;
  /** How loaded the whole host was during each round of the lane (real lanes). */
  loadByRound?: HostLoad[];
  /** The same figures for each round separately (what an out-of-sample fit of the twin uses). */
  hostByRound?: HostSample[];
  /** The most frequent error messages (real lanes). */
  topErrors?: Record<string, number>;
}
