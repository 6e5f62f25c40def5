import type { InjectionToken, ModuleMetadata } from '@nestjs/common';
import type { DeviceSource, PoolSource, SchedulerStateSource } from './metrics-sources.interface';

/**
 * Where a source comes from: a provider that already satisfies the interface (useExisting), or a
 * factory that adapts other providers to it.
 */
export type SourceBinding<T> =
  | InjectionToken
  | {
      inject: InjectionToken[]; // Nest passes the injected providers in order, each of its own type: any is the contract here
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      useFactory: (...deps: any[]) => T;
    };

/**
 * MetricsModule.forRoot() options. By default the sources are the app's own (RuntimeService,
 * DeviceInventoryService, SchedulerService); `null` leaves a source out (its gauges stay empty).
 */
export interface MetricsModuleOptions {
  /** Modules that export the providers named below; default: SchedulerModule and ModelsModule. */
  imports?: ModuleMetadata['imports'];
  /** The device pools; default RuntimeService. */
  pools?: SourceBinding<PoolSource> | null;
  /** The device inventory; default DeviceInventoryService (global DevicesModule). */
  devices?: SourceBinding<DeviceSource> | null;
  /** Queue depths, policy and decision log; default SchedulerService through SchedulerStateAdapter. */
  scheduler?: SourceBinding<SchedulerStateSource> | null;
  /** Serve the status page at GET / (default true). */
  statusPage?: boolean;
}
