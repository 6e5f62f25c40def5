import type { DeviceInfo } from '@switchyard/devices';
import type { DevicePool } from '@switchyard/runtime';
import type { DecisionView } from './stats-snapshot.interface';

/** The device pools whose live counters are read at scrape time (the runtime's RuntimeService). */
export interface PoolSource {
  pools(): readonly DevicePool[];
}

/** Every device of the host, usable or not (the devices lib's DeviceInventoryService). */
export interface DeviceSource {
  list(): readonly DeviceInfo[];
}

/**
 * The scheduler's view, when a scheduler is wired: jobs waiting in its queues per device, the
 * default policy and its own log of recent decisions (with their outcomes).
 *
 * @remarks Read at scrape and stats time, so every method must be cheap and never throw.
 */
export interface SchedulerStateSource {
  /** Jobs waiting per device id; a device absent from the map has no scheduler queue. */
  queueDepths(): ReadonlyMap<string, number>;
  policy(): string;
  /** Newest first; when absent, decisions come from scheduler.decision events. */
  recentDecisions?(): DecisionView[];
}
