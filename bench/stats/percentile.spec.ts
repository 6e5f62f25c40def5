import { seededRandom } from '@switchyard/common';
import { latencyStats, median, medianAndDecileRange, percentileOfSorted } from './percentile';

/** Reference by definition: the smallest value with at least p of all values at or below it. */
function referencePercentile(values: readonly number[], p: number): number {
  const candidates = [...new Set(values)].sort((a, b) => a - b);
  for (const v of candidates) {
    if (values.filter((x) => x <= v).length >= p * values.length) return v;
  }
  return candidates[candidates.length - 1];
}

describe(percentileOfSorted.name, () => {
  const random = seededRandom(5);
  const arrays = [1, 2, 3, 7, 10, 99, 100, 101, 1000].map((n) => Array.from({ length: n }, () => Math.round(random() * 500) / 10));

  it.each(arrays.map((a) => [a.length, a] as const))('matches the definition on %d random values (ties included)', (_n, values) => {
    const sorted = Float64Array.from(values).sort();
    for (const p of [0.01, 0.1, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
      expect(percentileOfSorted(sorted, p)).toBe(referencePercentile(values, p));
    }
  });

  it('gives textbook nearest-rank values on 1..100', () => {
    const sut = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileOfSorted(sut, 0.5)).toBe(50);
    expect(percentileOfSorted(sut, 0.95)).toBe(95);
    expect(percentileOfSorted(sut, 0.99)).toBe(99);
    expect(percentileOfSorted(sut, 1)).toBe(100);
    expect(percentileOfSorted(sut, 0)).toBe(1);
  });

  it('is NaN for no values and refuses p outside [0, 1]', () => {
    expect(percentileOfSorted([], 0.5)).toBeNaN();
    expect(() => percentileOfSorted([1], 1.5)).toThrow(RangeError);
  });
});

describe(median.name, () => {
  it('takes the middle value, or the mean of the two middle ones, of values in any order', () => {
    const values = [9, 1, 5];
    expect(median(values)).toBe(5);
    expect(values).toEqual([9, 1, 5]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });
});

describe(medianAndDecileRange.name, () => {
  it('gives the nearest-rank p50, p10 and p90 with three decimals', () => {
    // 10 values: p10 is the 1st, p50 the 5th, p90 the 9th
    expect(medianAndDecileRange([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1])).toBe('0.500 (0.100 - 0.900)');
  });
});

describe(latencyStats.name, () => {
  it('summarises unsorted values without reordering them', () => {
    const values = [30, 10, 20, 40, 1000];
    const sut = latencyStats(values);
    expect(values).toEqual([30, 10, 20, 40, 1000]);
    expect(sut).toEqual({ count: 5, mean: 220, p50: 30, p95: 1000, p99: 1000, max: 1000 });
  });
});
