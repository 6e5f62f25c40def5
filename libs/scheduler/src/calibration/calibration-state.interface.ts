/** Where start-up calibration stands (GET /v1/scheduler). */
export interface CalibrationState {
  mode: 'auto' | 'skip' | 'force';
  /**
   * waiting: models still loading; running: measuring; calibrated: measured now and stored;
   * reused: a stored profile of this host was loaded; skipped: mode skip; failed: see error.
   */
  status: 'waiting' | 'running' | 'calibrated' | 'reused' | 'skipped' | 'failed';
  fingerprint?: string;
  /** Where a reused profile came from: "file" (profiles/ of this node) or "cluster:<node id>" (a peer with the same fingerprint: a warm start). */
  source?: string;
  /** From the models loaded to the estimator seeded (the sweep, or finding a profile to reuse), ms. */
  elapsedMs?: number;
  profileFile?: string;
  /** ISO time the profile in use was measured. */
  calibratedAt?: string;
  pairsDone: number;
  pairsTotal: number;
  error?: string;
}
