import { fitHostModel, hostCoresPerRun, unionLength, type HostSample } from './host-overhead';

describe('fitHostModel', () => {
  it('recovers the per-job and per-run costs that generated the samples', () => {
    const truth = { perJobMs: 0.2, perRunMs: 0.15 };
    const samples = [
      { jobs: 1000, runs: 1000 },
      { jobs: 4000, runs: 500 },
      { jobs: 300, runs: 300 },
      { jobs: 2500, runs: 90 },
    ].map((s) => ({ ...s, busyMs: truth.perJobMs * s.jobs + truth.perRunMs * s.runs }));
    const fit = fitHostModel(samples)!;
    expect(fit.perJobMs).toBeCloseTo(0.2, 9);
    expect(fit.perRunMs).toBeCloseTo(0.15, 9);
    expect(fit.worstError).toBeLessThan(1e-9);
    expect(fit.lanes).toBe(4);
  });

  it('never returns a negative cost: clamps to the better one-parameter fit', () => {
    // busy time falls as runs rise at equal jobs: an unclamped fit would make perRunMs negative
    const fit = fitHostModel([
      { jobs: 1000, runs: 1000, busyMs: 100 },
      { jobs: 1000, runs: 100, busyMs: 300 },
    ])!;
    expect(fit.perRunMs).toBe(0);
    expect(fit.perJobMs).toBeCloseTo(0.2, 9);
    expect(fit.worstError).toBeCloseTo(1, 9); // 200 predicted for the lane that took 100
  });

  it('uses one parameter when jobs and runs move together, and nothing without samples', () => {
    const fit = fitHostModel([
      { jobs: 100, runs: 100, busyMs: 50 },
      { jobs: 200, runs: 200, busyMs: 100 },
    ])!;
    expect(fit.perJobMs * 100 + fit.perRunMs * 100).toBeCloseTo(50, 6);
    expect(fitHostModel([])).toBeUndefined();
    expect(fitHostModel([{ jobs: 0, runs: 0, busyMs: 10 }])).toBeUndefined();
  });
});

describe('hostCoresPerRun', () => {
  const sample = (runMsByDevice: Record<string, number>, busyMsByDevice: Record<string, number>, othersCpuMs?: number): HostSample => ({
    busyMs: 1,
    measuredBy: 'thread-cpu',
    jobs: 1,
    runs: 1,
    runMsByDevice,
    busyMsByDevice,
    othersCpuMs,
  });

  it("divides the other threads' CPU time by the run time of the one device that ran, pooled over lanes", () => {
    // cpu:0: 2 workers mostly busy together (3,000 ms of runs in 1,600 ms busy), 2 slots in the simulator
    const sut = hostCoresPerRun([sample({ 'cpu:0': 2000 }, { 'cpu:0': 1000 }, 2400), sample({ 'cpu:0': 1000 }, { 'cpu:0': 600 }, 1200)], {
      'cpu:0': 2,
    });
    expect(sut['cpu:0']).toBeCloseTo(3600 / 3000, 9);
  });

  it('gives a device the simulator serialises its whole footprint while busy', () => {
    // gpu:0 overlaps 2 tasks in one worker (1,000 ms of runs in 500 ms busy) but has 1 slot in the simulator
    const sut = hostCoresPerRun([sample({ 'gpu:0': 1000 }, { 'gpu:0': 500 }, 900)], { 'gpu:0': 1 });
    expect(sut['gpu:0']).toBeCloseTo(1.8, 9);
  });

  it('skips lanes that used several devices or have no thread CPU time', () => {
    expect(
      hostCoresPerRun(
        [sample({ 'cpu:0': 100, 'gpu:0': 100 }, { 'cpu:0': 100, 'gpu:0': 100 }, 500), sample({ 'cpu:0': 100 }, { 'cpu:0': 100 })],
        {},
      ),
    ).toEqual({});
  });
});

describe('unionLength', () => {
  it('counts overlapping intervals once and gaps not at all', () => {
    expect(
      unionLength([
        [0, 10],
        [5, 15],
        [20, 25],
        [21, 22],
        [30, 30],
      ]),
    ).toBe(20);
    expect(unionLength([])).toBe(0);
  });
});
