import { readdirSync, readFileSync } from 'node:fs';

/** CPU time so far of this process's main thread and of all its other threads (workers, driver threads), ms. */
export interface ThreadCpu {
  mainMs: number;
  othersMs: number;
}

/** Linux's USER_HZ: /proc reports CPU time in 1/100 s. */
const MS_PER_TICK = 10;

/**
 * Reads every thread's utime + stime from /proc/<pid>/task (Linux) of this process, or of another
 * one (a server the bench started); undefined where there is none.
 */
export function threadCpu(pid: number = process.pid): ThreadCpu | undefined {
  try {
    const out: ThreadCpu = { mainMs: 0, othersMs: 0 };
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      } catch {
        continue; // the thread ended meanwhile
      }
      // after "pid (comm) ": state is field 3, utime field 14, stime field 15
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
      if (Number(tid) === pid) out.mainMs += ms;
      else out.othersMs += ms;
    }
    return out;
  } catch {
    return undefined;
  }
}

/** CPU time between two readings (of process `pid`, this one by default). */
export function cpuSince(before: ThreadCpu | undefined, pid: number = process.pid): ThreadCpu | undefined {
  const now = threadCpu(pid);
  return before && now ? { mainMs: now.mainMs - before.mainMs, othersMs: now.othersMs - before.othersMs } : undefined;
}
