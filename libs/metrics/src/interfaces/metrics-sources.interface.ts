import type { DeviceInfo } from '@switchyard/devices';
import type { DevicePool } from '@switchyard/runtime';

/** The device pools whose live counters are read at scrape time (the runtime's RuntimeService). */
export interface PoolSource {
  pools(): readonly DevicePool[];
}

/** Every device of the host, usable or not (the devices lib's DeviceInventoryService). */
export interface DeviceSource {
  list(): readonly DeviceInfo[];
}

/**
 * The scheduler's view, when a scheduler is wired: jobs waiting in its queues per device and the
 * default policy.
 *
 * @remarks Both methods are read at scrape and stats time, so they must be cheap and never throw.
 * `queuedJobs` returns undefined for a device the scheduler does not know.
 */
export interface SchedulerStateSource {
  queuedJobs(deviceId: string): number | undefined;
  policy(): string;
}
