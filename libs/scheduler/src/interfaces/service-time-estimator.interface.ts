/** A predicted service time and the evidence behind it. */
export interface ServiceTimeEstimate {
  ms: number;
  /** Samples in the batch bucket the prediction comes from (0: interpolated from other buckets). */
  samples: number;
  /**
   * Runs of the model measured on other devices since this pair's last own measurement (or since it
   * was seeded): how long the device has been passed over for the model. Absent: not tracked.
   */
  passedOver?: number;
}

/**
 * The performance model: predicted service time (session run, ms) of a model on a device at a
 * batch size, from calibration and online observations.
 *
 * @remarks `estimate` returns undefined when nothing is known for that (model, device) pair;
 * `samples` tells how much evidence the estimate rests on (exploration uses it).
 */
export interface ServiceTimeEstimator {
  estimate(modelKey: string, deviceId: string, batchSize: number): ServiceTimeEstimate | undefined;
  observe(modelKey: string, deviceId: string, batchSize: number, ms: number): void;
  /**
   * Changes whenever an estimate may have changed (observe, seed, forget): lets callers cache
   * figures derived from estimates. Absent: callers must not cache.
   */
  readonly version?: number;

  /**
   * Like `version`, for what one device's estimates depend on: changes whenever an estimate for
   * that device (its own pairs, or the stand-ins predictServiceMs() takes from its peers for
   * pairs it does not know) may have changed. Lets a device's derived figures survive other
   * devices' observations.
   */
  versionOf?(deviceId: string): number;

  /**
   * Allocation-free `estimate` for hot paths: writes into `out` and returns true, or returns
   * false (leaving `out` alone) when nothing is known. Optional; policies fall back to `estimate`.
   */
  estimateInto?(modelKey: string, deviceId: string, batchSize: number, out: ServiceTimeEstimate): boolean;
}
