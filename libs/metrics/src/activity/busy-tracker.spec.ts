import { BusyTracker } from './busy-tracker';

/** Independent reference: walks the window in 1 ms steps and counts steps covered by a run. */
function busyRatio(runs: Array<[number, number]>, now: number, windowMs: number): number {
  let busy = 0;
  for (let t = now - windowMs; t < now; t++) if (runs.some(([s, e]) => t >= s && t < e)) busy++;
  return busy / windowMs;
}

describe(BusyTracker.name, () => {
  it('counts the union of overlapping runs once', () => {
    const sut = new BusyTracker(1000);
    // [start, end] in end order: two workers overlapping, a merged batch reported twice, a gap.
    const runs: Array<[number, number]> = [
      [100, 300],
      [200, 400],
      [200, 400],
      [600, 650],
      [640, 900],
    ];
    let added = 0;
    for (const [s, e] of runs) added += sut.record(e, e - s);
    expect(added).toBe(300 + 300);
    expect(sut.busyMsTotal).toBe(600);
    expect(sut.ratio(1000)).toBeCloseTo(busyRatio(runs, 1000, 1000), 10);
  });

  it('clips runs to the window and forgets runs before it', () => {
    const sut = new BusyTracker(500);
    const runs: Array<[number, number]> = [
      [0, 200],
      [300, 800],
      [900, 1000],
    ];
    for (const [s, e] of runs) sut.record(e, e - s);
    expect(sut.ratio(1000)).toBeCloseTo(busyRatio(runs, 1000, 500), 10);
    expect(sut.ratio(2000)).toBe(0);
    expect(sut.busyMsTotal).toBe(800);
  });

  it('counts the gaps a long run covers, whatever order runs are reported in', () => {
    const sut = new BusyTracker(10_000);
    const runs: Array<[number, number]> = [
      [100, 200],
      [300, 400],
      [150, 410],
      [500, 600],
      [450, 550],
      [700, 720],
      [0, 50],
    ];
    let added = 0;
    for (const [s, e] of runs) added += sut.record(e, e - s);
    const reference = busyRatio(runs, 1000, 1000) * 1000;
    expect(added).toBeCloseTo(reference, 10);
    expect(sut.ratio(1000)).toBeCloseTo(reference / 10_000, 10);
  });

  it('adds nothing for a run that ended inside time already counted', () => {
    const sut = new BusyTracker(1000);
    sut.record(500, 400);
    expect(sut.record(450, 100)).toBe(0);
    expect(sut.record(450, 0)).toBe(0);
  });

  it('stays exact over thousands of forgotten runs, late and overlapping ones among them', () => {
    // one short run per 2 ms for 12 s against a 1 s window: the forgotten intervals pile up past
    // the point where they are dropped from the arrays, several times over
    const sut = new BusyTracker(1000);
    const runs: Array<[number, number]> = [];
    let added = 0;
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let end = 2; end <= 12_000; end += 2) {
      // mostly a 1 ms run ending now; now and then a long one reported late that spans earlier runs
      const late = random() < 0.02;
      const run: [number, number] = late ? [Math.max(0, end - 1 - Math.floor(random() * 300)), end - 1] : [end - 1, end];
      runs.push(run);
      added += sut.record(run[1], run[1] - run[0]);
      if (end % 1000 === 0) expect(sut.ratio(end)).toBeCloseTo(busyRatio(runs, end, 1000), 10);
    }
    // the union of every run, counted in 1 ms steps
    let union = 0;
    for (let t = 0; t < 12_000; t++) if (runs.some(([s, e]) => t >= s && t < e)) union++;
    expect(added).toBe(union);
    expect(sut.busyMsTotal).toBe(union);
  });
});
