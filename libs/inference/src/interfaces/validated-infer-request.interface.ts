import type { WireTensor } from '@switchyard/common';

/** Request-level parameters Switchyard acts on (Triton's client names where they exist). */
export interface InferRequestOptions {
  /** Triton convention: 1 is the highest priority, 0 the default level. */
  priority?: number;
  /** From the `timeout` parameter (microseconds); absent for no timeout. */
  timeoutMs?: number;
  /** Scheduling policy for this request only. */
  policy?: string;
  /** Pins placement to one device id (debugging, tests). */
  device?: string;
  /** Default for outputs that do not say `binary_data` themselves. */
  binaryDataOutput: boolean;
}

export interface RequestedOutput {
  name: string;
  /** Return the output's bytes after the JSON header instead of as JSON "data". */
  binary: boolean;
}

/**
 * A request checked against its model: the inputs are complete, typed and shaped, their bytes
 * decoded. Building it never touches a worker.
 *
 * @remarks `inputs` follow the model's input order; each `data` is a fresh ArrayBuffer owned by
 * the request (transferable).
 */
export interface ValidatedInferRequest {
  id?: string;
  inputs: WireTensor[];
  /** Rows (first dim) for a batching model; 1 otherwise. */
  batchSize: number;
  /** The outputs to return in order: the requested ones, or all of the model's. */
  outputs: RequestedOutput[];
  /** Whether the client named the outputs (only those are fetched from the session). */
  outputsRequested: boolean;
  options: InferRequestOptions;
}
