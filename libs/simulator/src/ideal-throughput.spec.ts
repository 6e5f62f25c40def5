import { idealThroughput } from './ideal-throughput';

describe(idealThroughput.name, () => {
  // measured on the H100 host: jobs per second of each model with the whole device busy
  const h100Host = [
    { id: 'cpu:0', jobsPerSecond: { small: 5041, large: 94 } },
    { id: 'gpu:0', jobsPerSecond: { small: 340, large: 148 } },
  ];
  const halfHalf = [
    { key: 'small', share: 1 },
    { key: 'large', share: 1 },
  ];

  it('finds about 470 jobs/s for the 50/50 mix on the H100 host, as the closed form says', () => {
    const sut = idealThroughput(halfHalf, h100Host);
    // closed form: the GPU runs only large jobs (its comparative advantage: 148/94 > 340/5041),
    // the CPU runs every small job and the rest of the large ones, both fully busy:
    // X/2 / 5041 + (X/2 - 148) / 94 = 1
    const closedForm = (2 * (1 + 148 / 94)) / (1 / 5041 + 1 / 94);
    expect(sut.jobsPerSecond).toBeCloseTo(closedForm, 6);
    expect(sut.jobsPerSecond).toBeGreaterThan(460);
    expect(sut.jobsPerSecond).toBeLessThan(490);
    expect(sut.assignment['gpu:0'].small).toBeCloseTo(0, 6);
    expect(sut.assignment['gpu:0'].large).toBeCloseTo(148, 6);
    expect(sut.utilisation['cpu:0']).toBeCloseTo(1, 9);
    expect(sut.utilisation['gpu:0']).toBeCloseTo(1, 9);
  });

  it('gives a single device its harmonic mean over the mix', () => {
    const sut = idealThroughput(halfHalf, [h100Host[0]]);
    expect(sut.jobsPerSecond).toBeCloseTo(1 / (0.5 / 5041 + 0.5 / 94), 6);
  });

  it('keeps the class shares in the assignment', () => {
    const classes = [
      { key: 'small', share: 3 },
      { key: 'large', share: 1 },
    ];
    const sut = idealThroughput(classes, h100Host);
    const perClass = (key: 'small' | 'large') => sut.assignment['cpu:0'][key] + sut.assignment['gpu:0'][key];
    expect(perClass('small') / sut.jobsPerSecond).toBeCloseTo(0.75, 6);
    expect(perClass('large') / sut.jobsPerSecond).toBeCloseTo(0.25, 6);
    for (const u of Object.values(sut.utilisation)) expect(u).toBeLessThanOrEqual(1 + 1e-9);
  });

  it('is 0 when a class of the mix runs nowhere', () => {
    const sut = idealThroughput([...halfHalf, { key: 'huge', share: 1 }], h100Host);
    expect(sut.jobsPerSecond).toBeCloseTo(0, 9);
  });

  it('adds identical devices linearly', () => {
    const one = idealThroughput(halfHalf, h100Host).jobsPerSecond;
    const four = idealThroughput(
      halfHalf,
      [0, 1, 2, 3].flatMap((i) => h100Host.map((d) => ({ ...d, id: `${d.id}#${i}` }))),
    ).jobsPerSecond;
    expect(four).toBeCloseTo(4 * one, 6);
  });
});
