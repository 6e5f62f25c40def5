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

/** This process's threads and, per child process (a device pool's process), all of its threads' CPU time, ms. */
export interface TreeCpu extends ThreadCpu {
  children: Map<number, number>;
}

/** Like threadCpu, plus the CPU time of each child process of `pid` (Linux; undefined elsewhere). */
export function treeCpu(pid: number = process.pid): TreeCpu | undefined {
  const own = threadCpu(pid);
  if (!own) return undefined;
  const children = new Map<number, number>();
  for (const child of childPids(pid)) {
    const t = threadCpu(child);
    if (t) children.set(child, t.mainMs + t.othersMs);
  }
  return { ...own, children };
}

/**
 * CPU time since a treeCpu reading: the main thread's, and under othersMs every other thread's,
 * those of child processes included (only children alive at both readings: a pool process
 * started in between would bring its whole past).
 */
export function treeCpuSince(before: TreeCpu | undefined, pid: number = process.pid): ThreadCpu | undefined {
  const now = treeCpu(pid);
  if (!before || !now) return undefined;
  let children = 0;
  for (const [child, ms] of now.children) {
    const was = before.children.get(child);
    if (was !== undefined) children += ms - was;
  }
  return { mainMs: now.mainMs - before.mainMs, othersMs: now.othersMs - before.othersMs + children };
}

/** Processes whose parent is `pid` (a scan of /proc/<n>/stat: field 4 is the parent's pid). */
function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(name));
    } catch {
      /* the process ended meanwhile */
    }
  }
  return out;
}
