/** An opaque timer returned by {@link Clock.setTimer}. */
export type TimerHandle = { readonly id: number } | ReturnType<typeof setTimeout>;

/**
 * The scheduler's notion of time, in milliseconds. Production uses the process clock
 * (performance.now(), the same clock as InferenceJob.receivedAt); tests and the simulator drive a
 * manual one, so queue delays and deadlines are exact and reproducible.
 *
 * @remarks Timers fire at most once; clearing a fired or cleared timer is a no-op.
 */
export interface Clock {
  now(): number;
  setTimer(callback: () => void, delayMs: number): TimerHandle;
  clearTimer(handle: TimerHandle | undefined): void;
}

/** DI token of the scheduler's Clock. */
export const SCHEDULER_CLOCK = Symbol('SCHEDULER_CLOCK');
