import { poissonSchedule } from './poisson-arrivals';

describe(poissonSchedule.name, () => {
  it.each([
    [50, 400_000],
    [200, 100_000],
    [2000, 20_000],
  ])('averages %d arrivals per second over %d ms', (rate, durationMs) => {
    const sut = poissonSchedule(rate, durationMs, 11);
    const expected = (rate * durationMs) / 1000;
    // Poisson count: sd = sqrt(expected); 5 sd is a bound a correct generator essentially never crosses
    expect(Math.abs(sut.length - expected)).toBeLessThan(5 * Math.sqrt(expected));
    const gaps = Array.from(sut, (t, i) => t - (i ? sut[i - 1] : 0));
    const meanGap = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(meanGap).toBeGreaterThan((1000 / rate) * 0.95);
    expect(meanGap).toBeLessThan((1000 / rate) * 1.05);
  });

  it('has Poisson counts per window: variance about equal to the mean (not a regular tick)', () => {
    const sut = poissonSchedule(100, 200_000, 3);
    const counts = new Array<number>(2000).fill(0); // 100 ms windows, mean 10 each
    for (const t of sut) counts[Math.floor(t / 100)]++;
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    const variance = counts.reduce((a, c) => a + (c - mean) ** 2, 0) / (counts.length - 1);
    expect(mean).toBeGreaterThan(9.5);
    expect(mean).toBeLessThan(10.5);
    expect(variance / mean).toBeGreaterThan(0.85);
    expect(variance / mean).toBeLessThan(1.15);
  });

  it('is increasing, bounded by the duration and the same for the same seed', () => {
    const sut = poissonSchedule(500, 5000, 42);
    for (let i = 1; i < sut.length; i++) expect(sut[i]).toBeGreaterThanOrEqual(sut[i - 1]);
    expect(sut[sut.length - 1]).toBeLessThan(5000);
    expect(Array.from(poissonSchedule(500, 5000, 42))).toEqual(Array.from(sut));
    expect(Array.from(poissonSchedule(500, 5000, 43))).not.toEqual(Array.from(sut));
  });

  it('refuses a rate that is not positive', () => {
    expect(() => poissonSchedule(0, 1000, 1)).toThrow(/rate must be > 0/);
  });
});
