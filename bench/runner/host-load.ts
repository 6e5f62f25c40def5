import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** The whole host's CPU counters (/proc/stat, all cores), ms. */
interface HostCpuTimes {
  atMs: number;
  busyMs: number;
  stealMs: number;
}

/** How loaded the host was while a lane ran: every process, not only this one. */
export interface HostLoad {
  /** 1-minute load average at the end. */
  loadAvg1: number;
  /** Wall time the counters below cover, s. */
  seconds?: number;
  /** Cores busy on average (all processes on the host: other work, this run and its pool processes). */
  busyCores?: number;
  /** Cores the hypervisor gave to other guests on average (steal time), on a VM. */
  stealCores?: number;
  /** Other work measured just before the lane, while this run was idle (idleHostLoad): apart from the lane's outcome. */
  idleBefore?: IdleProbe;
  /** The same just after the lane (the next lane's idleBefore, or a probe after the last lane). */
  idleAfter?: IdleProbe;
}

/** What other work did on the host while this process idled. */
export interface IdleProbe {
  /** Cores busy on average (at most the host's cores, however much more was waiting to run). */
  busyCores?: number;
  /**
   * Threads runnable on average besides the one sampling (/proc/stat procs_running): other work's
   * demand for cores, which can exceed the cores there are.
   */
  runnable?: number;
}

/**
 * Other work's demand for cores around a lane: the runnable threads of the idle probes before and
 * after it, averaged (either alone where one is missing; busy cores where a probe has no count).
 */
export function otherWorkAround(load: HostLoad | undefined): number | undefined {
  const probes = [load?.idleBefore, load?.idleAfter].map((p) => p?.runnable ?? p?.busyCores).filter((x): x is number => x !== undefined);
  return probes.length ? probes.reduce((a, b) => a + b, 0) / probes.length : undefined;
}

/** How often idleHostLoad counts the runnable threads, ms. */
const RUNNABLE_SAMPLE_MS = 10;

/** Linux's USER_HZ: /proc reports CPU time in 1/100 s. */
const MS_PER_TICK = 10;

/** The host's CPU counters now (Linux); undefined where /proc/stat cannot be read. */
export function hostCpuTimes(): HostCpuTimes | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    // cpu user nice system idle iowait irq softirq steal ...
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return { atMs: Date.now(), busyMs: (user + nice + system + irq + softirq) * MS_PER_TICK, stealMs: (steal || 0) * MS_PER_TICK };
  } catch {
    return undefined;
  }
}

/** The host's load since `before` (from hostCpuTimes). */
export function hostLoadSince(before: HostCpuTimes | undefined): HostLoad {
  const now = hostCpuTimes();
  const loadAvg1 = Math.round(loadavg()[0] * 100) / 100;
  const elapsed = before && now ? now.atMs - before.atMs : 0;
  if (!before || !now || elapsed <= 0) return { loadAvg1 };
  return {
    loadAvg1,
    seconds: elapsed / 1000,
    busyCores: (now.busyMs - before.busyMs) / elapsed,
    stealCores: (now.stealMs - before.stealMs) / elapsed,
  };
}

/** Threads runnable on the host now, the reading one included (/proc/stat procs_running); undefined where it cannot be read. */
export function runnableThreads(): number | undefined {
  try {
    const m = /^procs_running (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Other work on the host during `ms` of this process doing nothing but sample it (Linux; empty elsewhere). */
export async function idleHostLoad(ms: number): Promise<IdleProbe> {
  const before = hostCpuTimes();
  const counts: number[] = [];
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const n = runnableThreads();
      if (n !== undefined) counts.push(Math.max(0, n - 1)); // less the thread reading
    }, RUNNABLE_SAMPLE_MS);
    setTimeout(() => {
      clearInterval(timer);
      resolve();
    }, ms);
  });
  const { busyCores } = hostLoadSince(before);
  return {
    ...(busyCores !== undefined ? { busyCores } : {}),
    ...(counts.length ? { runnable: counts.reduce((a, b) => a + b, 0) / counts.length } : {}),
  };
}
