import { differenceInterval95, wilson95 } from './accuracy-interval';

describe('accuracy intervals', () => {
  it('gives the Wilson interval of a proportion', () => {
    const [lo, hi] = wilson95(80, 100)!;
    expect(lo).toBeCloseTo(0.7111, 3);
    expect(hi).toBeCloseTo(0.8666, 3);
    expect(wilson95(0, 0)).toBeNull();
    expect(wilson95(10, 10)![1]).toBeCloseTo(1, 12);
  });

  it('centres the difference interval on the gain and narrows it with more data', () => {
    const few = differenceInterval95({ correct: 9, judged: 10 }, { correct: 7, judged: 10 })!;
    const many = differenceInterval95({ correct: 900, judged: 1000 }, { correct: 700, judged: 1000 })!;
    expect(few[0]).toBeLessThan(0);
    expect(many[0]).toBeGreaterThan(0.15);
    expect(many[1]).toBeLessThan(0.25);
    expect(differenceInterval95({ correct: 1, judged: 1 }, { correct: 0, judged: 0 })).toBeNull();
  });
});
