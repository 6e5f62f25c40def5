import { performance } from 'node:perf_hooks';
import type { Clock, TimerHandle } from './clock.interface';

/**
 * The process clock: performance.now() and setTimeout. Timers keep the process alive: they only
 * exist while jobs wait (batch delay, deadlines), and the dispatchers clear them on shutdown.
 */
export class SystemClock implements Clock {
  now(): number {
    return performance.now();
  }

  setTimer(callback: () => void, delayMs: number): TimerHandle {
    return setTimeout(callback, Math.max(0, delayMs));
  }

  clearTimer(handle: TimerHandle | undefined): void {
    if (handle !== undefined) clearTimeout(handle as ReturnType<typeof setTimeout>);
  }
}
