/**
 * The performance model: predicted service time (session run, ms) of a model on a device at a
 * batch size, from calibration and online observations.
 *
 * @remarks `estimate` returns undefined when nothing is known for that (model, device) pair;
 * `samples` tells how much evidence the estimate rests on (exploration uses it).
 */
export interface ServiceTimeEstimator {
  estimate(modelKey: string, deviceId: string, batchSize: number): { ms: number; samples: number } | undefined;
  observe(modelKey: string, deviceId: string, batchSize: number, ms: number): void;
}
