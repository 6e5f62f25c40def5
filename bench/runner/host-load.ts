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
