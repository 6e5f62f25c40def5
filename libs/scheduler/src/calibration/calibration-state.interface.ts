/** Where start-up calibration stands (GET /v1/scheduler). */
export interface CalibrationState {
  mode: 'auto' | 'skip' | 'force';
  /**
   * waiting: models still loading; running: measuring; calibrated: measured now and stored;
   * reused: a stored profile of this host was loaded; skipped: mode skip; failed: see error.
   */
  status: 'waiting' | 'running' | 'calibrated' | 'reused' | 'skipped' | 'failed';
  fingerprint?: string;
  profileFile?: string;
  /** ISO time the profile in use was measured. */
  calibratedAt?: string;
  pairsDone: number;
  pairsTotal: number;
  error?: string;
}
