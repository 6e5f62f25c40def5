/** One device as GET /v1/stats (and the status page) shows it. Ratios are 0..1, null when unknown. */
export interface DeviceStatsView {
  id: string;
  kind: string;
  name: string;
  vendor: string;
  executionProvider: string | null;
  usable: boolean;
  reason?: string;
  /** Health of a usable device (GET /v1/devices shows the same). */
  health?: { state: 'healthy' | 'degraded' | 'quarantined'; reason: string; since: string };
  workers: number;
  capacity: number;
  inFlight: number;
  /** Jobs waiting for this device in the scheduler's queues (or, without one, inside its pool). */
  queueDepth: number;
  /** Hardware utilisation when the device reports it, else the busy ratio. */
  utilization: number | null;
  utilizationSource: 'host-cpu' | 'nvidia-smi' | 'busy-ratio';
  /** Share of the last window during which the device ran at least one job. */
  busyRatio: number;
  /** Jobs completed per second over the last window. */
  throughputPerSecond: number;
  /** Request latency (received to answered) over the last window, ms. */
  latencyMs: { p50: number | null; p99: number | null };
  completedTotal: number;
  errorsTotal: number;
  memoryUsedBytes: number | null;
  memoryTotalBytes: number | null;
  temperatureC: number | null;
  powerWatts: number | null;
}

/** A recent placement, newest first in the snapshot. */
export interface DecisionView {
  /** Date.now() of the decision. */
  at: number;
  policy: string;
  model: string;
  deviceId: string;
  predictedMs: number | null;
  decisionUs: number;
  /** Rows of the job, when the scheduler's log reports it. */
  batchSize?: number;
  /** Settled state and measured ms from decision to finish, when the scheduler's log reports them. */
  outcome?: 'pending' | 'ok' | 'failed';
  actualMs?: number | null;
}

/** GET /v1/stats. */
export interface StatsSnapshot {
  /** Date.now() when the snapshot was built. */
  at: number;
  uptimeSeconds: number;
  windowSeconds: number;
  devices: DeviceStatsView[];
  scheduler: { policy: string; decisionsTotal: number; recentDecisions: DecisionView[] };
  totals: { completed: number; errors: number; rejected: number };
}
