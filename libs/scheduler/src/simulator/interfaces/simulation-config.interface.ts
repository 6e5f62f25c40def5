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
  serviceMs: ServiceTimeFn;
  /** Log-sigma of the mean-1 log-normal noise on each run (0.1 = about 10 %). @defaultValue 0 */
  noise?: number;
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

/** Start-up calibration of the estimator from the devices' noise-free service times. */
export interface SimCalibration {
  batchSizes: number[];
  /** Observations per point. @defaultValue 3 */
  samples?: number;
}

export interface SimulationConfig {
  devices: SimDeviceSpec[];
  classes: SimJobClass[];
  /** Per model: largest batch the dynamic batcher forms from queued jobs (absent or 0: no merging). */
  maxBatchSize?: Record<string, number>;
  arrival: ClosedLoopArrival | OpenLoopArrival;
  /** Simulated time the run lasts. */
  durationMs: number;
  /** Completions before this simulated time are left out of the statistics. @defaultValue 0 */
  warmupMs?: number;
  /** Seeds the workload, the noise and ctx.random. @defaultValue 1 */
  seed?: number;
  /** Seed the estimator before the run (otherwise it learns online from nothing). */
  calibration?: SimCalibration;
}
