import type { DeviceKind } from '@switchyard/devices';

/** True service time (ms) of one session run of `batchSize` rows; undefined: the device cannot run the model. */
export type ServiceTimeFn = (modelKey: string, batchSize: number) => number | undefined;

/** A simulated device. */
export interface SimDeviceSpec {
  id: string;
  kind: DeviceKind;
  /** @defaultValue 1 */
  costWeight?: number;
  /** Parallel slots (session runs at once). @defaultValue 1 */
  capacity?: number;
  /**
   * Runs that progress at full speed at once; more running runs share that speed (a GPU whose
   * worker overlaps two tasks on one queue: capacity 2, parallel 1). @defaultValue capacity
   */
  parallel?: number;
  serviceMs: ServiceTimeFn;
  /** Log-sigma of the mean-1 log-normal noise on each run (0.1 = about 10 %). @defaultValue 0 */
  noise?: number;
  /**
   * Host CPU cores one run keeps busy (a CPU worker's threads, a software GPU's threads); with
   * SimHostModel.cores, runs then share those cores with each other and the serving thread.
   * @defaultValue 0 (the run uses none: a real GPU, NPU)
   */
  hostCores?: number;
  /**
   * Extra ms a run pays when its slot's previous run was of another model (a CPU pool serving
   * mixed job sizes: caches and weights of the other model evicted). @defaultValue 0
   */
  switchMs?: number;
  /**
   * Warm-up: the first run of each model on the device takes this many times its time (session
   * set-up, shader compilation), the first run at each new batch size `newShapeFactor` times
   * (allocation). Calibration sees it, as the service's does. @defaultValue 3 and 1.5
   */
  coldRunFactor?: number;
  newShapeFactor?: number;
}

/** A kind of job in the workload mix. */
export interface SimJobClass {
  modelKey: string;
  batchSize: number;
  /** Relative frequency among arrivals (normalised over the classes). */
  share: number;
  /** Deadline relative to arrival; the job is refused up front when no device can meet it. */
  timeoutMs?: number;
  priority?: number;
  /** KiB of request and response body (serving-path codec cost, SimHostModel.perKiBMs). @defaultValue 0 */
  kib?: number;
}

/** Closed loop: N clients, each sends its next job `thinkMs` after the previous one completes. */
export interface ClosedLoopArrival {
  kind: 'closed';
  clients: number;
  /** @defaultValue 0 */
  thinkMs?: number;
}

/** Open loop: Poisson arrivals; latency counts from the intended send time. */
export interface OpenLoopArrival {
  kind: 'open';
  ratePerSecond: number;
}

/**
 * Start-up calibration of the estimator. "sweep": the service's own procedure
 * (calibrationSweep(): warm-up runs, a few noisy runs per batch size within a time budget) on
 * each simulated device, which learns online afterwards from simulated runs only. "oracle": the
 * devices' true noise-free service times at `batchSizes`, which no real service knows: an
 * upper bound, to be labelled so.
 */
export type SimCalibration =
  | {
      mode: 'sweep';
      /** @defaultValue 3000 */
      budgetMs?: number;
      /** @defaultValue 32 */
      maxBatch?: number;
      /** Per model: its max_batch_size, which caps the sweep. @defaultValue SimulationConfig.maxBatchSize */
      modelMaxBatch?: Record<string, number>;
      repeats?: number;
      warmupRuns?: number;
    }
  | { mode: 'oracle'; batchSizes: number[]; /** Observations per point. @defaultValue 3 */ samples?: number };

/**
 * The serving process's own thread (HTTP, validation, scheduling, messaging with the pools) as
 * one FIFO server that every job and every session run pass through. Without it the simulator
 * assumes that this work is free, which holds on a host with cores to spare, not on a small one.
 */
export interface SimHostModel {
  /** Thread time per job on its way in (receive, validate, schedule), ms. */
  perJobMs: number;
  /** Thread time per session run (send to the pool, take the result back, split a batch), ms. */
  perRunMs: number;
  /**
   * Thread time per KiB a job carries (request and response codec), ms, added to perJobMs with
   * the class's SimJobClass.kib. @defaultValue 0
   */
  perKiBMs?: number;
  /**
   * CPU cores that the serving thread and the devices' runs (SimDeviceSpec.hostCores) share;
   * absent: they never slow each other down.
   */
  cores?: number;
  /**
   * Cores that other processes on the host keep demanding all along (a shared host): with
   * `cores`, they take their processor-sharing part of them. @defaultValue 0
   */
  backgroundCores?: number;
}

export interface SimulationConfig {
  devices: SimDeviceSpec[];
  /** The serving thread's cost; absent: free (only the devices limit throughput). */
  host?: SimHostModel;
  classes: SimJobClass[];
  /** Per model: largest batch the dynamic batcher forms from queued jobs (absent or 0: no merging). */
  maxBatchSize?: Record<string, number>;
  /** Per model: the dynamic batcher's max queue delay, ms (absent: 0, never hold a batch back). */
  maxQueueDelayMs?: Record<string, number>;
  /** Level of jobs without a priority (the service's SWITCHYARD_DEFAULT_PRIORITY_LEVEL). @defaultValue 5 */
  defaultPriorityLevel?: number;
  arrival: ClosedLoopArrival | OpenLoopArrival;
  /** Simulated time the run lasts. */
  durationMs: number;
  /** Completions before this simulated time are left out of the statistics. @defaultValue 0 */
  warmupMs?: number;
  /** Seeds the workload, the noise and ctx.random. @defaultValue 1 */
  seed?: number;
  /** Calibrate the estimator before the run (otherwise it learns online from nothing). */
  calibration?: SimCalibration;
}
