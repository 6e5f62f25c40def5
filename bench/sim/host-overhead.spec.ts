import { countRun, fitHostModel, hostCoresPerRun, MIN_RUNS_PER_JOB_SPREAD, unionLength, type HostSample } from './host-overhead';

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

  it('charges everything per job when runs per job barely vary, even where noise makes a per-run fit closer', () => {
    // fit rounds 1-2 of the quiet throughput run before this fix (2026-11-29): cpu:0 and adaptive at
    // 4.3 jobs per run, gpu:0 at 5.3; the least squares alone gave 0 ms per job and 0.484 ms per run
    const samples = [
      { busyMs: 1530, jobs: 12905, runs: 3038 },
      { busyMs: 1550, jobs: 13487, runs: 3126 },
      { busyMs: 110, jobs: 369, runs: 70 },
      { busyMs: 110, jobs: 354, runs: 68 },
      { busyMs: 1570, jobs: 15124, runs: 3515 },
      { busyMs: 1580, jobs: 13412, runs: 3157 },
    ];
    const sse = (perJobMs: number, perRunMs: number) =>
      samples.reduce((acc, s) => acc + (perJobMs * s.jobs + perRunMs * s.runs - s.busyMs) ** 2, 0);
    const perJobOnly = samples.reduce((a, s) => a + s.jobs * s.busyMs, 0) / samples.reduce((a, s) => a + s.jobs ** 2, 0);
    const perRunOnly = samples.reduce((a, s) => a + s.runs * s.busyMs, 0) / samples.reduce((a, s) => a + s.runs ** 2, 0);
    expect(sse(0, perRunOnly)).toBeLessThan(sse(perJobOnly, 0)); // what the unconditioned fit chose
    const fit = fitHostModel(samples)!;
    expect(fit.separable).toBe(false);
    expect(fit.perRunMs).toBe(0);
    expect(fit.perJobMs).toBeCloseTo(perJobOnly, 12);
    expect(fit.perJobMs).toBeGreaterThan(0.1);
    expect(fit.runsPerJob[1] / fit.runsPerJob[0]).toBeLessThan(MIN_RUNS_PER_JOB_SPREAD);
  });

  it('fits both costs once the lanes batch differently enough', () => {
    const fit = fitHostModel([
      { jobs: 1000, runs: 1000, busyMs: 250 },
      { jobs: 1000, runs: 1000 / MIN_RUNS_PER_JOB_SPREAD, busyMs: 200 },
    ])!;
    expect(fit.separable).toBe(true);
    expect(fit.perJobMs).toBeCloseTo(0.15, 9);
    expect(fit.perRunMs).toBeCloseTo(0.1, 9);
  });
});

describe('hostCoresPerRun', () => {
  const sample = (
    runMsByDevice: Record<string, number>,
    runsByShape: HostSample['runsByShape'],
    othersCpuMs?: number,
    busyMsByDevice: Record<string, number> = runMsByDevice,
  ): HostSample => ({
    busyMs: 1,
    measuredBy: 'thread-cpu',
    jobs: 1,
    runs: 1,
    runMsByDevice,
    busyMsByDevice,
    runsByShape,
    othersCpuMs,
  });
  // this host's calibration profile (bench/profiles/d9b9b1aa02fc029a.json): mlp_small on cpu:0
  const profile: Record<number, number> = { 1: 0.546, 2: 0.687, 4: 0.892, 8: 1.275 };
  const fullSpeedMs = (device: string, model: string, rows: number) =>
    device === 'cpu:0' && model === 'mlp_small' ? profile[rows] : undefined;

  it("divides the other threads' CPU time by the full-speed time of the runs they did, pooled over lanes", () => {
    const sut = hostCoresPerRun(
      [
        sample({ 'cpu:0': 4000 }, { 'cpu:0': { mlp_small: { 4: 2000, 8: 500 } } }, 3000),
        sample({ 'cpu:0': 1000 }, { 'cpu:0': { mlp_small: { 1: 1000 } } }, 600),
      ],
      fullSpeedMs,
    );
    expect(sut['cpu:0']).toBeCloseTo(3600 / (2000 * 0.892 + 500 * 1.275 + 1000 * 0.546), 9);
  });

  it('does not depend on how long contention stretched the runs, nor on how many overlapped', () => {
    // the same runs and the same CPU time, once at full speed one at a time, once stretched 1.7x two at once
    const shapes = { 'cpu:0': { mlp_small: { 4: 3000 } } };
    const quiet = hostCoresPerRun([sample({ 'cpu:0': 3000 * 0.892 }, shapes, 5300)], fullSpeedMs);
    const contended = hostCoresPerRun(
      [sample({ 'cpu:0': 1.7 * 3000 * 0.892 }, shapes, 5300, { 'cpu:0': 0.85 * 3000 * 0.892 })],
      fullSpeedMs,
    );
    expect(contended).toEqual(quiet);
    // 5,300 ms of CPU for 2,676 ms of full-speed work
    expect(quiet['cpu:0']).toBeCloseTo(1.98, 2);
  });

  it('skips lanes that used several devices, have no thread CPU time, or ran a shape the profile has no time for', () => {
    const shapes = { 'cpu:0': { mlp_small: { 1: 100 } }, 'gpu:0': { mlp_small: { 1: 1 } } };
    expect(
      hostCoresPerRun(
        [
          sample({ 'cpu:0': 100, 'gpu:0': 100 }, shapes, 500),
          sample({ 'cpu:0': 100 }, shapes),
          sample({ 'cpu:0': 100 }, { 'cpu:0': { mlp_small: { 3: 100 } } }, 500),
          sample({ 'cpu:0': 100 }, undefined, 500),
        ],
        fullSpeedMs,
      ),
    ).toEqual({});
  });
});

describe('countRun', () => {
  it('adds fractional runs per device, model and rows', () => {
    const into: NonNullable<HostSample['runsByShape']> = {};
    countRun(into, 'cpu:0', 'm', 4, 0.25);
    countRun(into, 'cpu:0', 'm', 4, 0.75);
    countRun(into, 'cpu:0', 'm', 1, 1);
    countRun(into, 'gpu:0', 'n', 2, 0.5);
    expect(into).toEqual({ 'cpu:0': { m: { 4: 1, 1: 1 } }, 'gpu:0': { n: { 2: 0.5 } } });
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
