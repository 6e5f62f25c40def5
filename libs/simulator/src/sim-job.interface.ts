import type { BatchEntry } from '@switchyard/scheduler';

/**
 * A job inside the simulator: a BatchEntry, so the simulated devices queue and batch it with the
 * dispatcher's own queue and planning code.
 */
export interface SimJob extends BatchEntry {
  seq: number;
  classIndex: number;
  modelKey: string;
  /** Intended send time (latency counts from here, also in the open loop). */
  arrivedAt: number;
  /** Closed-loop client that sent it; -1 in the open loop. */
  client: number;
  deviceIndex: number;
}

/** A session run (one batch of jobs of one model) on a simulated device. */
export interface SimRun {
  deviceIndex: number;
  modelKey: string;
  jobs: SimJob[];
  rows: number;
  startedAt: number;
  /** What the estimator predicted when it started (the backlog uses it). */
  predictedMs: number;
  /** What it really takes: its true service time with noise, then (once done) its wall time, longer when it shared the cores. */
  actualMs: number;
}
