import { EstimatorSnapshotError } from './estimator-snapshot.error';
import { EwmaServiceTimeEstimator, PRIOR_WEIGHT } from './ewma-service-time-estimator';
import { WARM_UP_SAMPLES } from './service-time-curve';

describe(EwmaServiceTimeEstimator.name, () => {
  let sut: EwmaServiceTimeEstimator;

  beforeEach(() => {
    sut = new EwmaServiceTimeEstimator({ alpha: 0.25 });
  });

  it('knows nothing of an unseen (model, device) pair', () => {
    sut.observe('m', 'cpu:0', 1, 5);
    expect(sut.estimate('m', 'gpu:0', 1)).toBeUndefined();
    expect(sut.estimate('other', 'cpu:0', 1)).toBeUndefined();
  });

  it('sees a model that appears after it was asked about', () => {
    expect(sut.estimate('late', 'cpu:0', 1)).toBeUndefined();
    sut.observe('late', 'cpu:0', 1, 4);
    expect(sut.estimate('late', 'cpu:0', 1)).toMatchObject({ ms: 4, samples: 1 });
    sut.forget('late');
    expect(sut.estimate('late', 'cpu:0', 1)).toBeUndefined();
  });

  it("keeps the fastest of a bucket's first WARM_UP_SAMPLES runs, then an EWMA that matches the textbook recurrence", () => {
    const measured = [14, 9, 30, 31, 11, 12, 10.5];
    let reference = Math.min(...measured.slice(0, WARM_UP_SAMPLES));
    for (const ms of measured.slice(WARM_UP_SAMPLES)) reference = 0.75 * reference + 0.25 * ms;
    for (const ms of measured) sut.observe('m', 'cpu:0', 4, ms);
    const estimate = sut.estimate('m', 'cpu:0', 4);
    expect(estimate?.ms).toBeCloseTo(reference, 10);
    expect(estimate?.samples).toBe(measured.length);
  });

  it('does not let a cold first run stand for the device: the next, warm runs replace it', () => {
    // a remote's first round trip at a new batch size: 690 ms; warm: about 25 ms
    sut.observe('m', 'remote:a', 64, 690);
    expect(sut.estimate('m', 'remote:a', 64)?.ms).toBe(690);
    sut.observe('m', 'remote:a', 64, 24);
    sut.observe('m', 'remote:a', 64, 300);
    expect(sut.estimate('m', 'remote:a', 64)).toMatchObject({ ms: 24, samples: 3 });
    // then the EWMA
    sut.observe('m', 'remote:a', 64, 28);
    expect(sut.estimate('m', 'remote:a', 64)?.ms).toBeCloseTo(0.75 * 24 + 0.25 * 28, 10);
  });

  it('weighs a run after decayRuns runs of the model elsewhere more, by the EWMA counted in runs', () => {
    const decaying = new EwmaServiceTimeEstimator({ alpha: 0.2, decayRuns: 8 });
    for (let i = 0; i < 10; i++) decaying.observe('m', 'gpu:0', 1, 100);
    // measured again after 8 runs elsewhere: the plain EWMA
    for (let i = 0; i < 8; i++) decaying.observe('m', 'cpu:0', 1, 5);
    decaying.observe('m', 'gpu:0', 1, 20);
    expect(decaying.estimate('m', 'gpu:0', 1)?.ms).toBeCloseTo(0.8 * 100 + 0.2 * 20, 10);
    // after 40 runs elsewhere: the old estimate keeps (1 - alpha)^(40 / 8) of its weight
    for (let i = 0; i < 40; i++) decaying.observe('m', 'cpu:0', 1, 5);
    decaying.observe('m', 'gpu:0', 1, 20);
    const kept = 0.8 ** 5;
    expect(decaying.estimate('m', 'gpu:0', 1)?.ms).toBeCloseTo(kept * 84 + (1 - kept) * 20, 10);
    // runs of another model do not count
    for (let i = 0; i < 40; i++) decaying.observe('other', 'cpu:0', 1, 5);
    const before = decaying.estimate('m', 'gpu:0', 1)!.ms;
    decaying.observe('m', 'gpu:0', 1, 30);
    expect(decaying.estimate('m', 'gpu:0', 1)?.ms).toBeCloseTo(0.8 * before + 0.2 * 30, 10);
    expect(() => new EwmaServiceTimeEstimator({ decayRuns: 0 })).toThrow('decayRuns');
  });

  it('tracks a change of speed (thermal throttling) geometrically', () => {
    for (let i = 0; i < 50; i++) sut.observe('m', 'gpu:0', 1, 10);
    for (let k = 1; k <= 6; k++) {
      sut.observe('m', 'gpu:0', 1, 20);
      expect(sut.estimate('m', 'gpu:0', 1)?.ms).toBeCloseTo(20 - 10 * 0.75 ** k, 10);
    }
  });

  it('interpolates linearly between known buckets and reports the unseen bucket with 0 samples', () => {
    sut.seed('m', 'cpu:0', [
      { batchSize: 1, ms: 2 },
      { batchSize: 8, ms: 9, samples: 4 },
    ]);
    const mid = sut.estimate('m', 'cpu:0', 4);
    expect(mid?.ms).toBeCloseTo(2 + ((9 - 2) * (4 - 1)) / (8 - 1), 10);
    expect(mid?.samples).toBe(0);
    expect(sut.estimate('m', 'cpu:0', 8)).toMatchObject({ ms: 9, samples: 4 });
  });

  it('extrapolates beyond the largest batch along the slope of the last two points', () => {
    sut.seed('m', 'cpu:0', [
      { batchSize: 1, ms: 2 },
      { batchSize: 8, ms: 9 },
    ]);
    expect(sut.estimate('m', 'cpu:0', 32)?.ms).toBeCloseTo(9 + 1 * (32 - 8), 10);
  });

  it('extrapolates below the smallest batch, never under the proportional share', () => {
    sut.seed('m', 'cpu:0', [
      { batchSize: 4, ms: 10 },
      { batchSize: 8, ms: 14 },
    ]);
    expect(sut.estimate('m', 'cpu:0', 2)?.ms).toBeCloseTo(10 - 1 * 2, 10);
    sut.seed('m', 'gpu:0', [
      { batchSize: 4, ms: 4 },
      { batchSize: 8, ms: 40 },
    ]);
    expect(sut.estimate('m', 'gpu:0', 2)?.ms).toBeCloseTo((4 * 2) / 4, 10);
  });

  it('with a single point: proportional above it, flat below it', () => {
    sut.seed('m', 'cpu:0', [{ batchSize: 4, ms: 8 }]);
    expect(sut.estimate('m', 'cpu:0', 16)?.ms).toBeCloseTo(32, 10);
    expect(sut.estimate('m', 'cpu:0', 1)?.ms).toBeCloseTo(8, 10);
  });

  it('places a bucket point at the mean batch it measured', () => {
    sut.observe('m', 'cpu:0', 3, 6);
    sut.observe('m', 'cpu:0', 16, 20);
    // bucket 2 holds batch 3 only: batch 4 interpolates between (3, 6) and (16, 20)
    expect(sut.estimate('m', 'cpu:0', 4)?.ms).toBeCloseTo(6 + (14 * 1) / 13, 10);
    expect(sut.estimate('m', 'cpu:0', 4)?.samples).toBe(1);
  });

  it('averages calibration points of one bucket by their samples and replaces older knowledge', () => {
    sut.observe('m', 'cpu:0', 64, 100);
    sut.seed('m', 'cpu:0', [
      { batchSize: 4, ms: 10, samples: 1 },
      { batchSize: 4, ms: 20, samples: 3 },
    ]);
    expect(sut.estimate('m', 'cpu:0', 4)).toMatchObject({ ms: 17.5, samples: 4 });
    expect(sut.estimate('m', 'cpu:0', 64)?.samples).toBe(0);
  });

  it('ignores measurements that cannot be right and rejects bad calibration points', () => {
    for (const [b, ms] of [
      [0, 1],
      [1, -1],
      [1, NaN],
      [1, Infinity],
    ]) {
      sut.observe('m', 'cpu:0', b, ms);
    }
    expect(sut.estimate('m', 'cpu:0', 1)).toBeUndefined();
    expect(() => sut.seed('m', 'cpu:0', [{ batchSize: 1, ms: -3 }])).toThrow('invalid calibration point');
  });

  it('round-trips through JSON with identical estimates', () => {
    sut.seed('a', 'cpu:0', [
      { batchSize: 1, ms: 1.5, samples: 3 },
      { batchSize: 16, ms: 7 },
    ]);
    for (const [b, ms] of [
      [3, 4],
      [3, 5],
      [100, 40],
    ]) {
      sut.observe('b', 'gpu:0', b, ms);
    }
    const copy = EwmaServiceTimeEstimator.fromJSON(JSON.parse(JSON.stringify(sut)));
    for (const [model, device] of [
      ['a', 'cpu:0'],
      ['b', 'gpu:0'],
    ]) {
      for (let b = 1; b <= 300; b += 7) expect(copy.estimate(model, device, b)).toEqual(sut.estimate(model, device, b));
    }
  });

  it.each([
    null,
    {},
    { version: 2, curves: [] },
    { version: 1, curves: [{ modelKey: 'm' }] },
    { version: 1, curves: [{ modelKey: 'm', deviceId: 'd', points: [{ batchSize: 0, ms: 1 }] }] },
  ])('refuses the malformed snapshot %j', (snapshot) => {
    expect(() => EwmaServiceTimeEstimator.fromJSON(snapshot)).toThrow(EstimatorSnapshotError);
  });

  it('writes the same estimate into a caller object without allocating one', () => {
    sut.seed('m', 'cpu:0', [
      { batchSize: 1, ms: 2, samples: 2 },
      { batchSize: 8, ms: 9 },
    ]);
    const out = { ms: -1, samples: -1 };
    for (let b = 1; b <= 40; b++) {
      expect(sut.estimateInto('m', 'cpu:0', b, out)).toBe(true);
      expect(out).toEqual(sut.estimate('m', 'cpu:0', b));
    }
    expect(sut.estimateInto('m', 'gpu:0', 1, out)).toBe(false);
  });

  it('counts how many runs of the model other devices measured since a pair was last measured or seeded', () => {
    sut.seed('m', 'gpu:0', [{ batchSize: 1, ms: 9 }]);
    expect(sut.estimate('m', 'gpu:0', 1)?.passedOver).toBe(0);
    for (let i = 0; i < 5; i++) sut.observe('m', 'cpu:0', 1, 1);
    sut.observe('other', 'cpu:0', 1, 1);
    expect(sut.estimate('m', 'gpu:0', 1)?.passedOver).toBe(5);
    expect(sut.estimate('m', 'cpu:0', 1)?.passedOver).toBe(0);
    sut.observe('m', 'gpu:0', 1, 9);
    expect(sut.estimate('m', 'gpu:0', 1)?.passedOver).toBe(0);
    expect(sut.estimate('m', 'cpu:0', 1)?.passedOver).toBe(1);
    // a pair seeded later starts from the model's count, not from 0
    sut.seed('m', 'npu:0', [{ batchSize: 1, ms: 3 }]);
    expect(sut.estimate('m', 'npu:0', 1)?.passedOver).toBe(0);
  });

  it('forgets a model on one device or everywhere', () => {
    sut.observe('m', 'cpu:0', 1, 1);
    sut.observe('m', 'gpu:0', 1, 1);
    sut.forget('m', 'cpu:0');
    expect(sut.estimate('m', 'cpu:0', 1)).toBeUndefined();
    expect(sut.estimate('m', 'gpu:0', 1)).toBeDefined();
    sut.forget('m');
    expect(sut.estimate('m', 'gpu:0', 1)).toBeUndefined();
  });

  it('rejects an alpha outside (0, 1]', () => {
    expect(() => new EwmaServiceTimeEstimator({ alpha: 0 })).toThrow('alpha');
  });

  it("moves a device's version when its own pairs change or any pair appears, not when another device learns", () => {
    const sut = new EwmaServiceTimeEstimator();
    sut.observe('m', 'cpu:0', 1, 10);
    sut.observe('m', 'gpu:0', 1, 5);
    const [cpu, gpu, global] = [sut.versionOf('cpu:0'), sut.versionOf('gpu:0'), sut.version];
    sut.observe('m', 'gpu:0', 1, 6);
    expect(sut.versionOf('cpu:0')).toBe(cpu);
    expect(sut.versionOf('gpu:0')).not.toBe(gpu);
    expect(sut.version).not.toBe(global);
    const unseen = sut.versionOf('npu:0');
    sut.observe('other', 'gpu:0', 1, 1); // a new pair: stand-ins of every device may change
    expect(sut.versionOf('cpu:0')).not.toBe(cpu);
    expect(sut.versionOf('npu:0')).not.toBe(unseen);
  });
});

describe(`${EwmaServiceTimeEstimator.name} priors (what peers measured)`, () => {
  const prior = [
    { batchSize: 1, ms: 10, samples: 40 },
    { batchSize: 8, ms: 40, samples: 40 },
  ];

  it('takes a prior for an unmeasured pair, worth PRIOR_WEIGHT samples a point, and leaves it out of what it shares', () => {
    const sut = new EwmaServiceTimeEstimator();
    expect(sut.prior('m', 'cpu:0', prior)).toBe(true);
    expect(sut.estimate('m', 'cpu:0', 1)).toMatchObject({ ms: 10, samples: PRIOR_WEIGHT });
    expect(sut.estimate('m', 'cpu:0', 8)).toMatchObject({ ms: 40, samples: PRIOR_WEIGHT });
    expect(sut.hasMeasured('m', 'cpu:0')).toBe(false);
    expect(sut.measuredSnapshot().curves).toEqual([]);
    expect(sut.toJSON().curves).toHaveLength(1);
  });

  it('never replaces what the node measured itself', () => {
    const sut = new EwmaServiceTimeEstimator();
    sut.observe('m', 'cpu:0', 1, 3);
    expect(sut.prior('m', 'cpu:0', prior)).toBe(false);
    expect(sut.estimate('m', 'cpu:0', 1)).toMatchObject({ ms: 3, samples: 1 });
  });

  it('weighs the node own runs more than the prior: a running mean until the EWMA takes over', () => {
    const sut = new EwmaServiceTimeEstimator({ alpha: 0.2 });
    sut.prior('m', 'cpu:0', prior);
    sut.observe('m', 'cpu:0', 1, 20);
    expect(sut.estimate('m', 'cpu:0', 1)!.ms).toBeCloseTo(15, 9); // (10 + 20) / 2, not 0.8 x 10 + 0.2 x 20
    sut.observe('m', 'cpu:0', 1, 20);
    expect(sut.estimate('m', 'cpu:0', 1)!.ms).toBeCloseTo(50 / 3, 9);
    expect(sut.hasMeasured('m', 'cpu:0')).toBe(true);
    expect(sut.measuredSnapshot().curves.map((c) => c.modelKey)).toEqual(['m']);
    expect(sut.prior('m', 'cpu:0', prior)).toBe(false);
  });

  it('replaces an earlier prior, and a calibration seed replaces a prior', () => {
    const sut = new EwmaServiceTimeEstimator();
    sut.prior('m', 'cpu:0', prior);
    expect(sut.prior('m', 'cpu:0', [{ batchSize: 1, ms: 7, samples: 2 }])).toBe(true);
    expect(sut.estimate('m', 'cpu:0', 1)!.ms).toBe(7);
    sut.seed('m', 'cpu:0', [{ batchSize: 1, ms: 5, samples: 3 }]);
    expect(sut.estimate('m', 'cpu:0', 1)).toMatchObject({ ms: 5, samples: 3 });
    expect(sut.hasMeasured('m', 'cpu:0')).toBe(true);
  });
});
