import type { EstimatorSnapshot } from '../estimator/estimator-snapshot.interface';
import type { FingerprintInputs } from './host-fingerprint';

/** One measured batch size of a (model, device) pair. */
export interface CalibrationPoint {
  batchSize: number;
  /** Median of the measured runs (session run + marshalling), ms. */
  ms: number;
  runs: number;
}

export interface CalibrationPairResult {
  model: string;
  deviceId: string;
  points: CalibrationPoint[];
  /** Wall time the pair took, warm-up included, ms. */
  elapsedMs: number;
  /** The sweep stopped before its largest batch size (time budget). */
  truncated: boolean;
  /** Set when the pair could not be measured (the pair then has no points). */
  error?: string;
}

/**
 * profiles/<fingerprint>.json: what start-up calibration measured on a host, reused by a restart
 * with the same fingerprint.
 */
export interface CalibrationProfile {
  version: 1;
  fingerprint: string;
  /** ISO time of the calibration. */
  createdAt: string;
  host: FingerprintInputs;
  pairs: CalibrationPairResult[];
  /** The estimator seeded from `pairs` (EwmaServiceTimeEstimator.toJSON()). */
  estimator: EstimatorSnapshot;
}
