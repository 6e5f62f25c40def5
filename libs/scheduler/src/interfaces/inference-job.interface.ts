import type { WireTensor } from '@switchyard/common';
import type { ServedModel } from '@switchyard/models';
import type { ClientGoneSignal } from './client-gone-signal.interface';

/**
 * One validated inference request, ready to be placed. The inference API builds it; the
 * scheduler owns it from `submit` on.
 *
 * @remarks `inputs` hold exactly the model's inputs, shapes already checked. For a batching model
 * (maxBatchSize > 0) every input's first dim equals `batchSize`; otherwise `batchSize` is 1.
 */
export interface InferenceJob {
  /** The request id (echoed) or a generated one. */
  id: string;
  model: ServedModel;
  inputs: WireTensor[];
  /** Outputs to return; all when absent. */
  outputNames?: string[];
  batchSize: number;
  /**
   * Triton's convention: 1 is the highest priority, larger numbers are lower, 0 or absent means
   * the default level.
   */
  priority?: number;
  /** Give up (refuse or drop) when the job cannot finish within this many ms of `receivedAt`. */
  timeoutMs?: number;
  /** Policy name for this job only; the configured default when absent. */
  policy?: string;
  /**
   * Pins the job to this device id (e.g. "gpu:0"): the policy is not consulted for placement,
   * only for the prediction. Unknown device: 404; the model is not loaded there: 400.
   */
  device?: string;
  /** Devices the caller may run on (its tenant's allow-list); all when absent. */
  deviceFilter?: (deviceId: string) => boolean;
  /**
   * The request came from another Switchyard (it carried the hop header): it never goes to a
   * remote tier from here, so forwarding cannot loop (docs/remote-tier.md).
   */
  forwarded?: boolean;
  /** performance.now() when the request arrived. */
  receivedAt: number;
  /**
   * Aborted when the client has gone (its connection closed before the answer): a job still
   * queued then is dropped, not run (ClientClosedRequestError, `job.rejected` reason
   * `client_gone`). A running job finishes. Absent for jobs without a waiting client (Bull jobs).
   */
  signal?: ClientGoneSignal;
}

/** What the scheduler decided for a job; returned to the client in the response parameters. */
export interface PlacementDecision {
  policy: string;
  deviceId: string;
  /** The policy's predicted ms from now to the job's finish on that device, when it has one. */
  predictedMs?: number;
}

export interface JobOutcome {
  outputs: WireTensor[];
  decision: PlacementDecision;
  /** Rows in the session run that served this job (> batchSize when dynamically batched). */
  executedBatchSize: number;
  timings: { queueMs: number; runMs: number; totalMs: number };
  /** Placements the job took: 1, or more when its device failed, hung, crashed, was quarantined or stalled while it waited. */
  attempts: number;
  /** The device the job was first placed on, when it was placed again. */
  retriedFrom?: string;
}
