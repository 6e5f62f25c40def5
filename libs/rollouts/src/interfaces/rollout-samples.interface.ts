/** Requests of one version: count, server errors, and the latencies of the successful ones. */
export interface VersionSamples {
  requests: number;
  errors: number;
  latenciesMs: number[];
}

/** Feedback tallies of one version. */
export interface AccuracyTally {
  judged: number;
  correct: number;
}

/** Shadow comparisons: mirrored requests compared with the primary's answer, and those that agreed. */
export interface ShadowTally {
  compared: number;
  agreed: number;
}

/**
 * What one node measured of a rollout since its last hand-over to the store: finished requests by
 * version, feedback and shadow comparisons. Nodes add theirs to the store, so the analysis sees the
 * traffic of every node.
 */
export interface SampleBatch {
  versions: Record<string, VersionSamples>;
  accuracy: Record<string, AccuracyTally>;
  shadow: ShadowTally;
}

/** A rollout's figures since its start, over every node. */
export interface RolloutMeasurements {
  /** Requests by version (latencies: the newest LATENCIES_KEPT). */
  totals: Record<string, VersionSamples>;
  accuracy: Record<string, AccuracyTally>;
  shadow: ShadowTally;
}
