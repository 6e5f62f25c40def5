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
}

/** A host model fitted to lanes, with how well it fits. */
export interface HostFit extends SimHostModel {
  lanes: number;
  /** Largest |predicted - measured| / measured busy time over the lanes. */
  worstError: number;
}

/**
 * The serving thread's cost per job and per session run: the non-negative least-squares fit of
 * busyMs = perJobMs x jobs + perRunMs x runs over lanes that batch differently (one pair of
 * numbers for all of them, so a lane's own throughput is not fed back into its twin).
 */
export function fitHostModel(samples: readonly Pick<HostSample, 'busyMs' | 'jobs' | 'runs'>[]): HostFit | undefined {
  const usable = samples.filter((s) => s.jobs > 0 && s.busyMs > 0);
  if (usable.length === 0) return undefined;
  const sum = (f: (s: (typeof usable)[number]) => number) => usable.reduce((acc, s) => acc + f(s), 0);
  const jj = sum((s) => s.jobs * s.jobs);
  const rr = sum((s) => s.runs * s.runs);
  const jr = sum((s) => s.jobs * s.runs);
  const jb = sum((s) => s.jobs * s.busyMs);
  const rb = sum((s) => s.runs * s.busyMs);
  const candidates: SimHostModel[] = [{ perJobMs: jb / jj, perRunMs: 0 }];
  if (rr > 0) candidates.push({ perJobMs: 0, perRunMs: rb / rr });
  const det = jj * rr - jr * jr;
  if (det > 1e-9 * jj * rr) {
    const both = { perJobMs: (jb * rr - rb * jr) / det, perRunMs: (rb * jj - jb * jr) / det };
    if (both.perJobMs >= 0 && both.perRunMs >= 0) candidates.push(both);
  }
  const sse = (m: SimHostModel) => sum((s) => (m.perJobMs * s.jobs + m.perRunMs * s.runs - s.busyMs) ** 2);
  const best = candidates.reduce((a, b) => (sse(b) < sse(a) ? b : a));
  const worstError = Math.max(...usable.map((s) => Math.abs(best.perJobMs * s.jobs + best.perRunMs * s.runs - s.busyMs) / s.busyMs));
  return { ...best, lanes: usable.length, worstError };
}

/**
 * Host cores one full-speed run of each device keeps busy, from lanes where that device ran
 * alone: the other threads' CPU time per millisecond of the device being busy, divided by the
 * runs it had going at once, counting at most those that progress at full speed (`parallel`: a
 * GPU worker overlapping two tasks on one queue keeps its whole footprint per full-speed run).
 */
export function hostCoresPerRun(samples: readonly HostSample[], parallel: Readonly<Record<string, number>>): Record<string, number> {
  const sums = new Map<string, { cpu: number; runs: number; busy: number }>();
  for (const s of samples) {
    const devices = Object.keys(s.runMsByDevice).filter((d) => s.runMsByDevice[d] > 0);
    if (devices.length !== 1 || s.othersCpuMs === undefined) continue;
    const [d] = devices;
    const sum = sums.get(d) ?? { cpu: 0, runs: 0, busy: 0 };
    sum.cpu += s.othersCpuMs;
    sum.runs += s.runMsByDevice[d];
    sum.busy += s.busyMsByDevice[d] ?? 0;
    sums.set(d, sum);
  }
  const out: Record<string, number> = {};
  for (const [d, { cpu, runs, busy }] of sums) {
    if (!(busy > 0 && runs > 0)) continue;
    const atOnce = Math.max(1, Math.min(runs / busy, parallel[d] ?? 1));
    out[d] = cpu / busy / atOnce;
  }
  return out;
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
