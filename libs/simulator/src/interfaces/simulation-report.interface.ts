export interface LatencySummary {
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface SimDeviceReport {
  deviceId: string;
  /** Jobs completed on the device in the window. */
  jobs: number;
  rows: number;
  /** Session runs (batches) completed. */
  runs: number;
  /** Fraction of all completed jobs. */
  share: number;
  /** Busy slot-time over (slots x window). */
  utilisation: number;
}

export interface SimClassReport {
  modelKey: string;
  batchSize: number;
  jobs: number;
  latencyMs: LatencySummary;
  /** Completed jobs of the class per device id. */
  jobsByDevice: Record<string, number>;
}

/** What one simulated run measured (statistics over the window after warm-up). */
export interface SimulationReport {
  policy: string;
  windowMs: number;
  jobs: number;
  /** Inferences: rows of the completed jobs. */
  rows: number;
  /** Jobs refused up front (unschedulable: no device can run them or meet their deadline). */
  rejected: number;
  /** Jobs that finished after their deadline. */
  late: number;
  /** Jobs dropped from a queue when their deadline came (the service answers them 504). */
  expired: number;
  throughputJobsPerSecond: number;
  throughputRowsPerSecond: number;
  latencyMs: LatencySummary;
  devices: SimDeviceReport[];
  classes: SimClassReport[];
  /** Sum over devices of costWeight x busy device-seconds (busy slot-seconds / slots), per 1000 rows. */
  costPer1kInferences: number;
  decisions: number;
  /** Framework decisions per wall-clock second (the scheduling call only). */
  decisionsPerSecond: number;
}
