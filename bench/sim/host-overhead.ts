import type { SimHostModel } from '@switchyard/simulator';

/** What the serving thread did during a lane: its busy time, the jobs answered and their session runs. */
export interface HostSample {
  /** The main thread's CPU time (/proc), or where that cannot be read its event-loop busy time. */
  busyMs: number;
  measuredBy: 'thread-cpu' | 'event-loop';
  jobs: number;
  runs: number;
  /** CPU time of every other thread of the process (pool workers, a software GPU's threads) and of its child processes (a pool process). */
  othersCpuMs?: number;
  /** Wall time of the session runs per device (each run once; overlapping runs add up). */
  runMsByDevice: Record<string, number>;
  /** Wall time during which each device had at least one run going. */
  busyMsByDevice: Record<string, number>;
  /**
   * Session runs per device, model and rows (device -> model -> rows -> runs; fractional: each
   * job adds its share of its run): what the runs had to do, priced at full speed by the profile.
   */
  runsByShape?: Record<string, Record<string, Record<string, number>>>;
}

/** Full-speed ms of one run of `rows` rows of `model` on `deviceId` (the calibration profile); undefined: unknown. */
export type FullSpeedMs = (deviceId: string, model: string, rows: number) => number | undefined;

/** A host model fitted to lanes, with how well it fits. */
export interface HostFit extends SimHostModel {
  lanes: number;
  /** Largest |predicted - measured| / measured busy time over the lanes. */
  worstError: number;
  /**
   * Whether the lanes batched differently enough to tell a per-run cost from a per-job one (runs
   * per job differ by MIN_RUNS_PER_JOB_SPREAD or more); false: all of it is charged per job.
   */
  separable: boolean;
  /** Smallest and largest runs per job over the fitted lanes. */
  runsPerJob: [number, number];
}

/**
 * Runs per job must differ by this factor between the fitted lanes before busy time can split
 * into a per-job and a per-run cost. Closer together, the two columns of the least squares are
 * nearly the same and lane-to-lane noise alone picks the split (on this host, lanes at 4.3 and
 * 5.3 jobs per run gave 0 ms per job and 0.48 ms per run; the 2026-11-25 mixed-small-large lanes,
 * 1.1 to 2.1 jobs per run, gave 0.150 ms per job and 0.027 per run).
 */
export const MIN_RUNS_PER_JOB_SPREAD = 2;

/**
 * The serving thread's cost per job and per session run: the non-negative least-squares fit of
 * busyMs = perJobMs x jobs + perRunMs x runs over lanes that batch differently (one pair of
 * numbers for all of them, so a lane's own throughput is not fed back into its twin).
 *
 * @remarks Where runs per job barely vary over the lanes (every lane batching alike), the split
 * is not identified and all of the cost is charged per job. A per-run share fitted from noise
 * would make the twin's serving cost grow as its own batches shrink, and the twin then settles
 * where small batches and a saturated serving thread feed each other (1.2 rows per run where the
 * real lanes ran 4.3): the per-job charge matches the measured cost at the measured batching and
 * leaves the twin's batching to its queues.
 */
export function fitHostModel(samples: readonly Pick<HostSample, 'busyMs' | 'jobs' | 'runs'>[]): HostFit | undefined {
  const usable = samples.filter((s) => s.jobs > 0 && s.busyMs > 0);
  if (usable.length === 0) return undefined;
  const sum = (f: (s: (typeof usable)[number]) => number) => usable.reduce((acc, s) => acc + f(s), 0);
  const ratios = usable.map((s) => s.runs / s.jobs);
  const runsPerJob: [number, number] = [Math.min(...ratios), Math.max(...ratios)];
  const separable = runsPerJob[1] > 0 && runsPerJob[1] >= MIN_RUNS_PER_JOB_SPREAD * runsPerJob[0];
  const jj = sum((s) => s.jobs * s.jobs);
  const rr = sum((s) => s.runs * s.runs);
  const jr = sum((s) => s.jobs * s.runs);
  const jb = sum((s) => s.jobs * s.busyMs);
  const rb = sum((s) => s.runs * s.busyMs);
  const candidates: SimHostModel[] = [{ perJobMs: jb / jj, perRunMs: 0 }];
  if (separable && rr > 0) candidates.push({ perJobMs: 0, perRunMs: rb / rr });
  const det = jj * rr - jr * jr;
  if (separable && det > 1e-9 * jj * rr) {
    const both = { perJobMs: (jb * rr - rb * jr) / det, perRunMs: (rb * jj - jb * jr) / det };
    if (both.perJobMs >= 0 && both.perRunMs >= 0) candidates.push(both);
  }
  const sse = (m: SimHostModel) => sum((s) => (m.perJobMs * s.jobs + m.perRunMs * s.runs - s.busyMs) ** 2);
  const best = candidates.reduce((a, b) => (sse(b) < sse(a) ? b : a));
  const worstError = Math.max(...usable.map((s) => Math.abs(best.perJobMs * s.jobs + best.perRunMs * s.runs - s.busyMs) / s.busyMs));
  return { ...best, lanes: usable.length, worstError, separable, runsPerJob };
}

/**
 * Host cores one run of each device keeps busy per millisecond of its full-speed work, from lanes
 * where that device ran alone: the other threads' (and child processes') CPU time divided by the
 * full-speed time of the runs they did (`fullSpeedMs`: the calibration profile's time of each
 * run's model and rows). The simulator charges a run that many cores for each ms of its
 * full-speed work however much sharing stretches it, so this is the quantity it needs.
 *
 * @remarks Not CPU time per ms of measured run time: the runs measured were already stretched by
 * the contention the twin then applies again (on 2 cores a CPU run of 4 rows took 1.5 ms, not the
 * profile's 0.9 ms, at 1.15 cores of that wall time: 1.04 cores per stretched ms, 1.9 per
 * full-speed ms), which left the twin with half the CPU work the runs really cost.
 */
export function hostCoresPerRun(samples: readonly HostSample[], fullSpeedMs: FullSpeedMs): Record<string, number> {
  const sums = new Map<string, { cpu: number; work: number }>();
  for (const s of samples) {
    const devices = Object.keys(s.runMsByDevice).filter((d) => s.runMsByDevice[d] > 0);
    if (devices.length !== 1 || s.othersCpuMs === undefined || !s.runsByShape) continue;
    const [d] = devices;
    const work = fullSpeedWork(d, s.runsByShape[d] ?? {}, fullSpeedMs);
    if (work === undefined) continue;
    const sum = sums.get(d) ?? { cpu: 0, work: 0 };
    sum.cpu += s.othersCpuMs;
    sum.work += work;
    sums.set(d, sum);
  }
  const out: Record<string, number> = {};
  for (const [d, { cpu, work }] of sums) if (work > 0) out[d] = cpu / work;
  return out;
}

/** Full-speed ms of a device's runs (model -> rows -> runs); undefined when a shape has no time. */
function fullSpeedWork(deviceId: string, byModel: Record<string, Record<string, number>>, fullSpeedMs: FullSpeedMs): number | undefined {
  let work = 0;
  for (const [model, byRows] of Object.entries(byModel)) {
    for (const [rows, runs] of Object.entries(byRows)) {
      const ms = fullSpeedMs(deviceId, model, Number(rows));
      if (ms === undefined) return undefined;
      work += runs * ms;
    }
  }
  return work;
}

/** Adds `runs` runs of `rows` rows of `model` on `deviceId` to a HostSample's runsByShape. */
export function countRun(into: NonNullable<HostSample['runsByShape']>, deviceId: string, model: string, rows: number, runs: number): void {
  const byModel = (into[deviceId] ??= {});
  const byRows = (byModel[model] ??= {});
  byRows[rows] = (byRows[rows] ?? 0) + runs;
}

/** Total length of the union of [start, end) intervals. */
export function unionLength(intervals: Array<[number, number]>): number {
  const sorted = intervals.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let from = -Infinity;
  let to = -Infinity;
  for (const [a, b] of sorted) {
    if (a > to) {
      if (to > from) total += to - from;
      from = a;
      to = b;
    } else if (b > to) to = b;
  }
  if (to > from) total += to - from;
  return total;
}
