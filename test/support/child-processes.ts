import { readdirSync, readFileSync } from 'node:fs';

/** Whether this host lists processes under /proc (the specs that signal pool processes need it). */
export const HAS_PROC = process.platform === 'linux';

/** Live child processes of `parentPid` whose command line contains `match` (from /proc). */
export function childPids(parentPid: number, match: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) !== parentPid || state === 'Z') continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(match)) out.push(Number(name));
    } catch {
      // it exited while we looked
    }
  }
  return out;
}

/** The one pool host process (a process-isolated device pool) forked by `parentPid`. */
export function poolHostPid(parentPid: number): number {
  const pids = childPids(parentPid, 'process-pool-host');
  if (pids.length !== 1) throw new Error(`expected one pool host process under ${parentPid}, found ${pids.length}`);
  return pids[0];
}
