/** Number of batch buckets: powers of two from 1 up to 2^15; larger batches share the last one. */
export const BATCH_BUCKETS = 16;

/**
 * The bucket of a batch size: the smallest k with batchSize <= 2^k (1 -> 0, 2 -> 1, 3..4 -> 2,
 * 5..8 -> 3...), capped at the last bucket. Batch sizes below 1 count as 1.
 */
export function batchBucket(batchSize: number): number {
  if (batchSize <= 1) return 0;
  const k = 32 - Math.clz32(Math.ceil(batchSize) - 1);
  return k < BATCH_BUCKETS ? k : BATCH_BUCKETS - 1;
}
