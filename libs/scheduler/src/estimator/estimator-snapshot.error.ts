/** A stored estimator snapshot (profiles/) is not valid JSON of the expected shape. */
export class EstimatorSnapshotError extends Error {
  override readonly name = 'EstimatorSnapshotError';
}
