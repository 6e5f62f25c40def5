/** One measured point of a service-time curve: a session run of `batchSize` rows took `ms`. */
export interface ServiceTimePoint {
  batchSize: number;
  ms: number;
  /** How many runs the point stands for; 1 when absent. */
  samples?: number;
}

/** The curve of one (model, device) pair, as stored in profiles/. */
export interface ServiceTimeCurveSnapshot {
  modelKey: string;
  deviceId: string;
  /** One point per known batch bucket, in increasing batch size; `batchSize` may be fractional (a mean). */
  points: Required<ServiceTimePoint>[];
}

/** The whole performance model as JSON (EwmaServiceTimeEstimator.toJSON / fromJSON). */
export interface EstimatorSnapshot {
  version: 1;
  curves: ServiceTimeCurveSnapshot[];
}
