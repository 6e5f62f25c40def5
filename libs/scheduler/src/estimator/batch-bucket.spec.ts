import { BATCH_BUCKETS, batchBucket } from './batch-bucket';

describe(batchBucket.name, () => {
  it.each([
    [0, 0],
    [1, 0],
    [2, 1],
    [3, 2],
    [4, 2],
    [5, 3],
    [8, 3],
    [9, 4],
    [1024, 10],
    [1025, 11],
    [1e9, BATCH_BUCKETS - 1],
  ])('puts batch %p in bucket %p', (batch, bucket) => {
    expect(batchBucket(batch)).toBe(bucket);
  });

  it('agrees with the smallest power of two that holds the batch', () => {
    for (let b = 1; b <= 5000; b++) {
      const reference = Math.min(Math.ceil(Math.log2(b)), BATCH_BUCKETS - 1);
      expect(batchBucket(b)).toBe(reference);
    }
  });
});
