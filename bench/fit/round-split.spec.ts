import { fitHostModel, hostCoresPerRun, type HostSample } from '../sim/host-overhead';
import type { LaneKind } from '../stats/lane-result.interface';
import { gapSpread, hostSamplesOfRounds, splitRounds } from './round-split';

// The serving thread's figures measured by the in-process runner on a 2-core VM
// (bench/results/mixed-small-large/2026-11-25-vm/summary.json, lanes[].host, two rounds pooled);
// runsByShape (newer than that summary) says the runs of one model at one size, for the cores per run.
const measured: Record<string, { kind: LaneKind; host: HostSample }> = {
  'only:cpu:0': {
    kind: 'single-device',
    host: {
      busyMs: 3210,
      measuredBy: 'thread-cpu',
      othersCpuMs: 9520,
      jobs: 18869,
      runs: 9440,
      runMsByDevice: { 'cpu:0': 8113.8 },
      busyMsByDevice: { 'cpu:0': 5770.1 },
      runsByShape: { 'cpu:0': { m: { 2: 9440 } } },
    },
  },
  'only:gpu:0': {
    kind: 'single-device',
    host: {
      busyMs: 320,
      measuredBy: 'thread-cpu',
      othersCpuMs: 13400,
      jobs: 780,
      runs: 380,
      runMsByDevice: { 'gpu:0': 9302.5 },
      busyMsByDevice: { 'gpu:0': 8002.7 },
      runsByShape: { 'gpu:0': { m: { 2: 380 } } },
    },
  },
  adaptive: {
    kind: 'policy',
    host: {
      busyMs: 3040,
      measuredBy: 'thread-cpu',
      othersCpuMs: 9690,
      jobs: 19437,
      runs: 9800,
      runMsByDevice: { 'cpu:0': 8725.5, 'gpu:0': 351.7 },
      busyMsByDevice: { 'cpu:0': 6180.6, 'gpu:0': 321.8 },
    },
  },
  'least-loaded': {
    kind: 'policy',
    host: {
      busyMs: 2080,
      measuredBy: 'thread-cpu',
      othersCpuMs: 13410,
      jobs: 11951,
      runs: 11155,
      runMsByDevice: { 'cpu:0': 6608.5, 'gpu:0': 9765.7 },
      busyMsByDevice: { 'cpu:0': 5149.5, 'gpu:0': 7987.2 },
    },
  },
  'direct:cpu:0': {
    kind: 'direct',
    host: {
      busyMs: 2680,
      measuredBy: 'thread-cpu',
      othersCpuMs: 10480,
      jobs: 18783,
      runs: 18783,
      runMsByDevice: { 'cpu:0': 8905.4 },
      busyMsByDevice: { 'cpu:0': 6022.2 },
      runsByShape: { 'cpu:0': { m: { 1: 18783 } } },
    },
  },
};

/** A round on a host loaded by other work: the same jobs cost `factor` x the CPU time. */
const loaded = (h: HostSample, factor: number): HostSample => ({
  ...h,
  busyMs: h.busyMs * factor,
  othersCpuMs: (h.othersCpuMs ?? 0) * factor,
});

/** Four rounds per lane: rounds 1-2 as measured, rounds 3-4 distorted by `factor`. */
const lanesWith = (factor: number) =>
  Object.values(measured).map(({ kind, host }) => ({ kind, hostByRound: [host, host, loaded(host, factor), loaded(host, factor * 1.3)] }));

describe(splitRounds.name, () => {
  it('fits on the listed rounds (numbered from 1) and holds out the rest, 0-based', () => {
    expect(splitRounds(4, [1, 2])).toEqual({ fit: [0, 1], heldOut: [2, 3] });
    expect(splitRounds(4, [3, 1, 3])).toEqual({ fit: [0, 2], heldOut: [1, 3] });
    expect(splitRounds(3, [2])).toEqual({ fit: [1], heldOut: [0, 2] });
  });

  it.each([
    [4, [5], /not rounds of this run/],
    [4, [0], /not rounds of this run/],
    [4, [1.5], /not rounds of this run/],
    [4, [1, 2, 3, 4], /at least one/],
    [4, [], /at least one/],
    [1, [1], /at least one/],
  ])('refuses %d rounds split %j: nothing would be out of sample', (rounds, fit, message) => {
    expect(() => splitRounds(rounds, fit)).toThrow(message);
  });
});

describe(hostSamplesOfRounds.name, () => {
  it("takes exactly the fit rounds' figures of every lane, with the lane's kind", () => {
    const lanes = lanesWith(3);
    const samples = hostSamplesOfRounds(lanes, splitRounds(4, [1, 2]).fit);
    expect(samples).toHaveLength(2 * lanes.length);
    expect(samples.map((s) => s.busyMs)).toEqual(lanes.flatMap((l) => [l.hostByRound[0].busyMs, l.hostByRound[1].busyMs]));
    expect(samples.filter((s) => s.kind === 'direct')).toHaveLength(2);
    // a lane that did not record a round adds nothing for it
    expect(hostSamplesOfRounds([{ kind: 'policy', hostByRound: [measured.adaptive.host] }], [0, 1])).toHaveLength(1);
    expect(hostSamplesOfRounds([{ kind: 'policy' }], [0])).toHaveLength(0);
  });

  it('gives a host fit that the held-out rounds cannot move (no leak), and that differs from a fit on them', () => {
    const { fit, heldOut } = splitRounds(4, [1, 2]);
    const scheduler = (lanes: ReturnType<typeof lanesWith>, rounds: number[]) =>
      fitHostModel(hostSamplesOfRounds(lanes, rounds).filter((s) => s.kind !== 'direct'))!;
    const quiet = scheduler(lanesWith(1), fit);
    const busy = scheduler(lanesWith(4), fit);
    expect(busy.perJobMs).toBe(quiet.perJobMs);
    expect(busy.perRunMs).toBe(quiet.perRunMs);
    const onHeldOut = scheduler(lanesWith(4), heldOut);
    expect(onHeldOut.perJobMs + onHeldOut.perRunMs).toBeGreaterThan(2 * (quiet.perJobMs + quiet.perRunMs));
    const fullSpeedMs = (device: string, _model: string, rows: number) => (device === 'gpu:0' ? 40 : 0.5) * rows;
    const cores = hostCoresPerRun(hostSamplesOfRounds(lanesWith(4), fit), fullSpeedMs);
    expect(Object.keys(cores).sort()).toEqual(['cpu:0', 'gpu:0']);
    expect(cores).toEqual(hostCoresPerRun(hostSamplesOfRounds(lanesWith(1), fit), fullSpeedMs));
    expect(hostCoresPerRun(hostSamplesOfRounds(lanesWith(4), heldOut), fullSpeedMs)['cpu:0']).toBeGreaterThan(2 * cores['cpu:0']);
  });
});

describe(gapSpread.name, () => {
  it('gives the signed mean, the mean of |gap| and the extremes', () => {
    const gaps = [0.12, -0.31, 0.05];
    const sut = gapSpread(gaps);
    expect(sut.n).toBe(3);
    expect(sut.meanGap).toBeCloseTo((0.12 - 0.31 + 0.05) / 3, 12);
    expect(sut.meanAbsGap).toBeCloseTo((0.12 + 0.31 + 0.05) / 3, 12);
    expect(sut.minGap).toBe(-0.31);
    expect(sut.maxGap).toBe(0.12);
    expect(gapSpread([]).n).toBe(0);
  });
});
