import { performance } from 'node:perf_hooks';
import type { Clock, TimerHandle } from './clock.interface';

/** The process clock: performance.now() and setTimeout (timers do not keep the process alive). */
export class SystemClock implements Clock {
  now(): number {
    return performance.now();
  }

  setTimer(callback: () => void, delayMs: number): TimerHandle {
    const timer = setTimeout(callback, Math.max(0, delayMs));
    timer.unref();
    return timer;
  }

  clearTimer(handle: TimerHandle | undefined): void {
    if (handle !== undefined) clearTimeout(handle as ReturnType<typeof setTimeout>);
  }
}
