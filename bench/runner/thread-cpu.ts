import { readdirSync, readFileSync } from 'node:fs';

/** CPU time so far of this process's main thread and of all its other threads (workers, driver threads), ms. */
export interface ThreadCpu {
  mainMs: number;
  othersMs: number;
}

/** Linux's USER_HZ: /proc reports CPU time in 1/100 s. */
const MS_PER_TICK = 10;

/** Reads every thread's utime + stime from /proc/self/task (Linux); undefined where there is none. */
export function threadCpu(): ThreadCpu | undefined {
  try {
    const out: ThreadCpu = { mainMs: 0, othersMs: 0 };
    for (const tid of readdirSync('/proc/self/task')) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      } catch {
        continue; // the thread ended meanwhile
      }
      // after "pid (comm) ": state is field 3, utime field 14, stime field 15
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
      if (Number(tid) === process.pid) out.mainMs += ms;
      else out.othersMs += ms;
    }
    return out;
  } catch {
    return undefined;
  }
}

/** CPU time between two readings. */
export function cpuSince(before: ThreadCpu | undefined): ThreadCpu | undefined {
  const now = threadCpu();
  return before && now ? { mainMs: now.mainMs - before.mainMs, othersMs: now.othersMs - before.othersMs } : undefined;
}
