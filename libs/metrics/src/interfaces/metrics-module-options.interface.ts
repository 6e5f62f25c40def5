import type { InjectionToken, ModuleMetadata } from '@nestjs/common';
import type { DeviceSource, PoolSource, SchedulerStateSource } from './metrics-sources.interface';

/**
 * Where a source comes from: a provider that already satisfies the interface (useExisting), or a
 * factory that adapts other providers to it.
 */
export type SourceBinding<T> = InjectionToken | { inject: InjectionToken[]; useFactory: (...deps: any[]) => T };

/** MetricsModule.forRoot() options. Every source is optional; without one its gauges stay empty. */
export interface MetricsModuleOptions {
  /** Modules that export the providers named below (not needed for global modules). */
  imports?: ModuleMetadata['imports'];
  /** The device pools, e.g. the runtime's RuntimeService. */
  pools?: SourceBinding<PoolSource>;
  /** The device inventory, e.g. DeviceInventoryService. */
  devices?: SourceBinding<DeviceSource>;
  /** Queue depths and the default policy, from the scheduler. */
  scheduler?: SourceBinding<SchedulerStateSource>;
  /** Serve the status page at GET / (default true). */
  statusPage?: boolean;
}
