import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers the calling thread's scheduling priority (a higher nice value), so that the event loop
 * (nice 0) is scheduled ahead of bulk codec work when the cores are busy. Linux only: a thread's
 * id comes from /proc/thread-self and setpriority() on it affects that thread alone. Elsewhere,
 * or without /proc, it does nothing and says so.
 */
export function lowerThreadPriority(nice: number): boolean {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isSafeInteger(tid) || tid <= 0) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
