/**
 * What a Bull job carries: one inference request and its scheduling hints, as JSON.
 *
 * @remarks The request was validated against the model by the node that accepted it, before it
 * was enqueued; binary outputs are refused there, so the result is always a JSON response.
 */
export interface JobPayload {
  model: string;
  /** Absent: the highest served version when the job runs. */
  version?: string;
  /** The KServe v2 inference request body (id, inputs, outputs, parameters). */
  request: Record<string, unknown>;
  /** Epoch ms when the job was accepted. */
  submittedAt: number;
  /** Epoch ms after which the job must not start; it fails without retry. */
  deadlineAt?: number;
  /** Result stream its outcome is appended to (WebSocket submissions). */
  streamId?: string;
  /** Its queue priority (1 is the highest): jobs waiting for a remote tier are released in this order. */
  priority?: number;
  /** Node id that accepted it. */
  acceptedBy: string;
  /** Tenant that submitted it (absent when auth is off): only it sees and cancels the job. */
  tenant?: string;
}
