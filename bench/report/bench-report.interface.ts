import type { GapSpread } from '../fit/round-split';
import type { HostFit } from '../sim/host-overhead';
import type { Scenario } from '../scenario/scenario.interface';
import type { WorkloadClass } from '../scenario/workload-classes';
import type { IdealResult } from '../sim/ideal';
import type { ScalePoint } from '../sim/scale-study';
import type { BenchDevice, LaneResult } from '../stats/lane-result.interface';

export interface HostFacts {
  hostname: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  onnxruntime: string;
  /** 1/5/15-minute load average when the run started: other work on the host disturbs real runs. */
  loadAverage?: number[];
}

/** One lane's real numbers next to the simulator's for the same lane. */
export interface SimVsRealRow {
  realLane: string;
  simLane: string;
  realJobsPerS: number;
  simJobsPerS: number;
  /** sim / real - 1. */
  throughputGap: number;
  realP50Ms: number;
  simP50Ms: number;
  withinTolerance: boolean;
}

/** The host model the simulated twin of a real run was given. */
export interface TwinHost {
  direct?: HostFit;
  scheduler?: HostFit;
  cores?: number;
  coresPerRun?: Record<string, number>;
  /** Out of sample: the cores the run got on a shared host, fitted on the fit rounds (the twin uses them instead of `cores`). */
  effectiveCores?: number;
  /**
   * Out of sample on a shared host: other work's runnable threads measured around the lanes (idle
   * probes), mean over the fit and the held-out rounds, and the cores of demand one thread stands
   * for in the twin (`scale`, fitted on the fit rounds).
   */
  background?: { fit: number; heldOut: number; scale: number };
}

/** Everything a report shows; summary.json is this object. */
export interface BenchReport {
  scenario: Scenario;
  classes: WorkloadClass[];
  target: 'inproc' | 'http' | 'direct' | 'sim';
  createdAt: string;
  command: string;
  host: HostFacts;
  /** The device numbers the simulator / the LP used. */
  profile?: { file: string; name: string; source: string; description: string; notes: string[] };
  devices: BenchDevice[];
  lanes: LaneResult[];
  ideal?: IdealResult & { source: string };
  simVsReal?: {
    tolerance: number;
    rows: SimVsRealRow[];
    simLanes: LaneResult[];
    /** The serving thread's cost the twins were given, fitted over the real lanes of each path. */
    host?: TwinHost;
    /**
     * Out of sample (--fit-rounds): the host model was fitted on `fitRounds` only and `rows`
     * compare the twin with the held-out rounds; `inSampleRows` with the fit rounds.
     */
    split?: {
      fitRounds: number[];
      heldOutRounds: number[];
      /** Measured jobs/s of each lane in each held-out round. */
      heldOutJobsPerSByRound: Record<string, number[]>;
      /** The twin's jobs/s of each (real) lane in each round (all rounds, from 0), with that round's background. */
      predictedJobsPerSByRound?: Record<string, number[]>;
      inSampleRows: SimVsRealRow[];
      /** Gaps of the lanes pooled over the held-out rounds. */
      heldOut: GapSpread;
      /** Gaps of every lane in every held-out round separately. */
      heldOutByRound: GapSpread;
      inSample: GapSpread;
    };
  };
  scale?: ScalePoint[];
  notes: string[];
}
