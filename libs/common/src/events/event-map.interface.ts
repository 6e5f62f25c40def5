/**
 * Events that libraries publish and metrics (and the status page) listen to, so that nothing
 * calls metrics directly. Times are milliseconds.
 *
 * @remarks Listeners run synchronously in the publisher's call: keep them cheap, never throw.
 */
export interface SwitchyardEventMap {
  /** A job (one request) finished, successfully or not, after it was admitted. */
  'job.completed': {
    jobId: string;
    model: string;
    deviceId: string;
    policy: string;
    outcome: 'ok' | 'error';
    errorReason?: string;
    /** Rows of this job (its batch dimension). */
    batchSize: number;
    queueMs: number;
    runMs: number;
    totalMs: number;
    predictedMs?: number;
  };
  /** A job was refused before dispatch. */
  'job.rejected': {
    model: string;
    reason: 'overload' | 'deadline' | 'expired' | 'no_device' | 'invalid' | 'quarantined';
    deviceId?: string;
  };
  /** The scheduler placed a job. */
  'scheduler.decision': { policy: string; model: string; deviceId: string; predictedMs?: number; decisionUs: number };
  /** A (possibly merged) batch was handed to a device's pool. */
  'batch.dispatched': { deviceId: string; model: string; batchSize: number; requests: number };
  /** A device's health state changed (see DeviceHealthService). */
  'device.health': { deviceId: string; from: 'healthy' | 'degraded' | 'quarantined'; to: 'healthy' | 'degraded' | 'quarantined'; reason: string };
  /** A job's run failed or hung on one device and the job was placed again on another. */
  'job.retried': { jobId: string; model: string; fromDeviceId: string; reason: string };
  /** A worker died and was replaced. */
  'worker.restarted': { deviceId: string; workerId: number; reason: string };
}

export type SwitchyardEventName = keyof SwitchyardEventMap;
