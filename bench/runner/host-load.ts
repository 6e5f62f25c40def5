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
  /**
   * Cores busy on the host just before the lane, while this run was idle (idleHostCores): what
   * other work demanded then, measured before the lane and apart from its outcome.
   */
  idleBusyCores?: number;
  /** The same just after the lane (the next lane's idleBusyCores, or a probe after the last lane). */
  idleAfterCores?: number;
}

/** Other work's demand around a lane: the mean of the idle probes before and after it (either alone where one is missing). */
export function otherWorkAround(load: HostLoad | undefined): number | undefined {
  const probes = [load?.idleBusyCores, load?.idleAfterCores].filter((x): x is number => x !== undefined);
  return probes.length ? probes.reduce((a, b) => a + b, 0) / probes.length : undefined;
}

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

/** Cores busy on the host during `ms` of this process doing nothing (other work's demand); undefined without /proc/stat. */
export async function idleHostCores(ms: number): Promise<number | undefined> {
  const before = hostCpuTimes();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return hostLoadSince(before).busyCores;
}
