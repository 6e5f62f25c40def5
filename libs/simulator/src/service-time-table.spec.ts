import { serviceTimeFromTable } from './service-time-table';

describe(serviceTimeFromTable.name, () => {
  const sut = serviceTimeFromTable({
    m: [
      { batchSize: 1, ms: 2 },
      { batchSize: 4, ms: 5 },
      { batchSize: 8, ms: 9 },
    ],
    noisy: [
      { batchSize: 1, ms: 174 },
      { batchSize: 2, ms: 131 },
    ],
  });

  it.each([
    [1, 2],
    [2, 3],
    [4, 5],
    [6, 7],
    [16, 17],
  ])('interpolates and extrapolates the measured points: batch %i takes %i ms', (batch, ms) => {
    expect(sut('m', batch)).toBeCloseTo(ms, 9);
  });

  it('never predicts a larger batch faster than a measured smaller one (a noisy falling pair)', () => {
    for (const batch of [2, 3, 8, 64, 1024]) expect(sut('noisy', batch)).toBe(174);
  });

  it('knows nothing of an unmeasured model', () => {
    expect(sut('other', 1)).toBeUndefined();
  });
});
