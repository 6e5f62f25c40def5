import type { TensorDataType, WireTensor } from '@switchyard/common';

/** A model to pin in every worker of a pool. `key` is "<name>@<version>". */
export interface ModelLoadSpec {
  key: string;
  path: string;
}

/** Input or output as the ORT session reports it; symbolic dims are strings (e.g. "batch"). */
export interface SessionTensorMetadata {
  name: string;
  datatype: TensorDataType;
  shape: Array<number | string>;
}

export interface ModelSessionMetadata {
  inputs: SessionTensorMetadata[];
  outputs: SessionTensorMetadata[];
  /** Milliseconds the session took to create (in the slowest worker). */
  loadMs: number;
}

/** One session run: already validated and (when batched) already merged inputs. */
export interface InferenceTask {
  modelKey: string;
  inputs: WireTensor[];
  /** Outputs to fetch; all of the model's outputs when absent. */
  outputNames?: string[];
}

/**
 * Timings measured inside the worker and returned with the result (metrics recorded in a worker
 * never reach /metrics). Milliseconds, from performance.now().
 */
export interface TaskTimings {
  /** From the pool accepting the task to the worker starting it. */
  queueMs: number;
  /** session.run() alone. */
  runMs: number;
  /** Tensor conversion in and out of the worker. */
  marshalMs: number;
  workerId: number;
}

export interface TaskResult {
  outputs: WireTensor[];
  timings: TaskTimings;
}
