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
  /**
   * An inference request for a resolved model version was answered (the statistics extension and
   * rollouts count these). Nanoseconds, as Triton's statistics; `status` is the HTTP status of a
   * failure.
   */
  'inference.finished': {
    model: string;
    version: string;
    outcome: 'ok' | 'error';
    status?: number;
    /** Rows of this request; `executedBatchSize` rows of the session run that served it. */
    batchSize: number;
    executedBatchSize?: number;
    queueNs: number;
    inputNs: number;
    inferNs: number;
    outputNs: number;
    totalNs: number;
  };
  /** A rollout analysis decided something (also audited in the log). */
  'rollout.decision': {
    model: string;
    primary: string;
    candidate: string;
    decision: string;
    status: string;
    weight: number;
    reason: string;
  };
  /**
   * This node now routes a model by a new rollout state: one it wrote, one another node wrote
   * (shared store), or one resumed at start-up. Decisions are published once, by the node that took them.
   */
  'rollout.changed': { model: string; primary: string; candidate: string; status: string; weight: number };
  /** A caller judged an answer (POST /v1/feedback). */
  'feedback.recorded': { model: string; version: string; correct: boolean };
  /** A job was refused before dispatch; `client_gone`: its client disconnected while it was queued. */
  'job.rejected': {
    model: string;
    reason: 'overload' | 'deadline' | 'expired' | 'no_device' | 'invalid' | 'quarantined' | 'client_gone';
    deviceId?: string;
  };
  /** The scheduler placed a job. */
  'scheduler.decision': { policy: string; model: string; deviceId: string; predictedMs?: number; decisionUs: number };
  /** A (possibly merged) batch was handed to a device's pool. */
  'batch.dispatched': { deviceId: string; model: string; batchSize: number; requests: number };
  /** A device's health state changed (see DeviceHealthService). */
  'device.health': {
    deviceId: string;
    from: 'healthy' | 'degraded' | 'quarantined';
    to: 'healthy' | 'degraded' | 'quarantined';
    reason: string;
  };
  /** A job's run failed or hung on one device and the job was placed again on another. */
  'job.retried': { jobId: string; model: string; fromDeviceId: string; reason: string };
  /**
   * A round of shared learning ended (libs/cluster): `nodes` in the merged view (this one
   * included), the configured peers reachable or not at their last exchange, this node's state
   * version, and when a peer's state was last merged (epoch ms; undefined: never).
   */
  'cluster.synced': { nodes: number; peersReachable: number; peersUnreachable: number; version: number; lastMergeAt?: number };
  /** A worker died and was replaced. */
  'worker.restarted': { deviceId: string; workerId: number; reason: string };
}

export type SwitchyardEventName = keyof SwitchyardEventMap;
