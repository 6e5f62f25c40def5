import type { DeviceInfo } from '@switchyard/devices';
import type { RunAbort } from '../abort/run-abort';
import type { InferenceTask, ModelLoadSpec, ModelSessionMetadata, TaskResult } from './inference-task.interface';

/** Live counters of a pool, read by the scheduler (queue state) and metrics. */
export interface PoolStats {
  deviceId: string;
  workers: number;
  /** Tasks a pool runs at once without queueing inside it (workers x concurrent tasks each). */
  capacity: number;
  /** Tasks handed to the pool and not yet finished. */
  inFlight: number;
  completed: number;
  failed: number;
  /** Workers that died and were replaced since start. */
  restarts: number;
  /** 'thread' (piscina in this process), 'process' (isolated child process) or 'remote' (HTTP calls to a remote tier). */
  isolation: 'thread' | 'process' | 'remote';
  /** The pool process's pid (process isolation, while it runs). */
  pid?: number;
}

/** Per-run options of {@link DevicePool.run}. */
export interface RunOptions {
  /**
   * Aborting declares the run hung: the pool rejects it at once (RunAbortedError) and recycles
   * what runs it, since a native run cannot be interrupted: the worker thread (terminated; piscina
   * starts another) or the whole pool process (SIGTERM, then SIGKILL; every task in it
   * fails with WorkerDiedError). A {@link RunAbort}, not an AbortSignal: the dispatcher passes one
   * with every run, and an AbortSignal per run costs the worker hop measurably; a pool that hands
   * a signal on (a child process's call, fetch) reads `abort.signal`, made when first asked for.
   */
  abort?: RunAbort;
}

/**
 * The worker pool of one device. Implementations: a piscina pool of worker threads in this
 * process, or the same pool hosted in a child process (isolation against native crashes).
 *
 * @remarks
 * - `run` aborts a running task only when its caller declares it hung (`options.abort`): that
 *   recycles its worker or process. Deadlines are the caller's business.
 * - The caller should keep `inFlight <= capacity`; extra tasks queue inside the pool, where the
 *   scheduler cannot see or reorder them.
 * - Input buffers in `task.inputs` of TRANSFER_MIN_BYTES or more are transferred (detached in
 *   the caller) when the pool runs in threads; smaller ones are cloned (see isTransferred).
 * - When a worker dies, its in-flight tasks reject with InferenceFailedError and the worker is
 *   replaced; the models it had loaded are loaded again in the replacement.
 */
export interface DevicePool {
  readonly device: DeviceInfo;
  start(): Promise<void>;
  /** Creates the model's session in every worker (once) and returns what the session reports. */
  loadModel(spec: ModelLoadSpec): Promise<ModelSessionMetadata>;
  unloadModel(modelKey: string): Promise<void>;
  run(task: InferenceTask, options?: RunOptions): Promise<TaskResult>;
  stats(): PoolStats;
  /** `stats().capacity`, read without building the stats (the scheduler reads it per device on every decision). */
  readonly capacity: number;
  /** `stats().inFlight`, likewise. */
  readonly inFlight: number;
  close(): Promise<void>;
}
