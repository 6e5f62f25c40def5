/**
 * A measured throughput of one model on one device: `jobsPerSecond` requests of `batchSize` rows
 * with all the device's slots busy. `perRowMs` (optional) is the extra ms one more row adds to a
 * run (its batching curve); without it a run's time is proportional to its rows (no batching gain).
 */
export interface ThroughputPoint {
  batchSize: number;
  jobsPerSecond: number;
  perRowMs?: number;
  /** Where `perRowMs` comes from, when it is not measured. */
  perRowSource?: string;
}

/** bench/profiles/*.json: a host described by published or measured numbers. */
export interface BenchProfileFile {
  format: 'switchyard-bench-profile/1';
  name: string;
  description: string;
  notes?: string[];
  devices: Array<{
    id: string;
    kind: 'cpu' | 'gpu' | 'npu';
    /** Session runs the device does at once (CPU: workers; a WebGPU adapter: 1). */
    slots: number;
    /** @defaultValue 1 */
    costWeight?: number;
    /** Per model: a throughput point, or measured run times per batch size. */
    models: Record<string, ThroughputPoint | { points: Array<{ batchSize: number; ms: number }> }>;
  }>;
}
