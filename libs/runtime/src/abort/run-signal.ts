import type { RunOptions } from '../interfaces/device-pool.interface';

/**
 * The AbortSignal that declares a run hung, whichever of the two `options` carries it: a pool that
 * hands a signal on (a child process's call, fetch, a gate) reads it here.
 */
export function runSignal(options: RunOptions): AbortSignal | undefined {
  return options.abort?.signal ?? options.signal;
}
