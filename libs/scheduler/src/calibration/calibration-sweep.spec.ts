import { calibrationSweep, sweepSizes } from './calibration-sweep';

/** Drives the sweep with a run-time function, as calibratePair and the simulator do. */
function drive(sizes: number[], options: Parameters<typeof calibrationSweep>[1], runMs: (batch: number, index: number) => number) {
  let elapsed = 0;
  const batches: number[] = [];
  const sweep = calibrationSweep(sizes, options, () => elapsed);
  let step = sweep.next();
  while (!step.done) {
    const ms = runMs(step.value, batches.length);
    batches.push(step.value);
    elapsed += ms;
    step = sweep.next(ms);
  }
  return { result: step.value, batches, elapsed };
}

describe(calibrationSweep.name, () => {
  it('warms up, then takes the median of the repeats at each size', () => {
    const sut = drive([1, 2, 4], { budgetMs: 1e9, maxBatch: 4 }, (b, i) => b * (i % 2 ? 1.1 : 0.9));
    expect(sut.batches.slice(0, 2)).toEqual([1, 1]);
    expect(sut.result.truncated).toBe(false);
    expect(sut.result.points.map((p) => p.batchSize)).toEqual([1, 2, 4]);
    for (const p of sut.result.points) expect(p.ms).toBeCloseTo(p.batchSize * (p.runs === 3 ? 0.9 : 1), 0);
  });

  it('keeps warming up while runs still get much faster', () => {
    const sut = drive([1], { budgetMs: 1e9, maxBatch: 1 }, (_, i) => 100 / 2 ** Math.min(i, 4));
    expect(sut.batches.filter((b) => b === 1).length).toBeGreaterThan(5);
    expect(sut.result.points[0].ms).toBeCloseTo(100 / 16, 6);
  });

  it('stops at the budget but always measures batch 1', () => {
    const sut = drive([1, 2, 4, 8], { budgetMs: 0, maxBatch: 8 }, () => 5);
    expect(sut.result.points).toHaveLength(1);
    expect(sut.result.truncated).toBe(true);
    expect(sut.batches).toEqual([1, 1]);
  });

  it('sweeps powers of two up to the cap', () => {
    expect(sweepSizes(64, 32)).toEqual([1, 2, 4, 8, 16, 32]);
    expect(sweepSizes(0, 32)).toEqual([1]);
    expect(sweepSizes(12, 32)).toEqual([1, 2, 4, 8, 12]);
  });
});
