import type { SwitchyardConfig } from '@switchyard/config';
import type { RuntimeService } from '@switchyard/runtime';

/**
 * Jobs a node runs at once: SWITCHYARD_JOBS_CONCURRENCY, or the total capacity of its device
 * pools, so that a fleet of unequal hosts balances itself.
 */
export function consumerConcurrency(config: SwitchyardConfig, runtime: RuntimeService): { concurrency: number; capacity: number } {
  const capacity = runtime.pools().reduce((sum, pool) => sum + pool.stats().capacity, 0);
  return { concurrency: config.jobs.concurrency || Math.max(1, capacity), capacity };
}
