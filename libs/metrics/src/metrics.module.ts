import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { DeviceInventoryService, NvidiaSmiAdapter } from '@switchyard/devices';
import { ModelsModule } from '@switchyard/models';
import { RuntimeService } from '@switchyard/runtime';
import { SchedulerModule } from '@switchyard/scheduler';
import { DeviceActivityService } from './activity/device-activity.service';
import { RecentDecisions } from './activity/recent-decisions.service';
import { DeviceGaugesCollector } from './collectors/device-gauges.collector';
import { MetricsController } from './controllers/metrics.controller';
import { StatsController } from './controllers/stats.controller';
import type { MetricsModuleOptions, SourceBinding } from './interfaces/metrics-module-options.interface';
import { DeviceDirectory } from './labels/device-directory.service';
import { EventMetricsListener } from './listeners/event-metrics.listener';
import {
  METRICS_DEVICE_SOURCE,
  METRICS_GPU_TELEMETRY,
  METRICS_HOST_TELEMETRY,
  METRICS_POOL_SOURCE,
  METRICS_SCHEDULER_SOURCE,
} from './metrics.tokens';
import { MetricsService } from './registry/metrics.service';
import { SchedulerStateAdapter } from './stats/scheduler-state.adapter';
import { StatsService } from './stats/stats.service';
import { StatusPageAssets } from './status-page/status-page-assets';
import { StatusPageController } from './status-page/status-page.controller';
import { SystemInformationHostAdapter } from './telemetry/systeminformation-host.adapter';
import { TelemetrySampler } from './telemetry/telemetry-sampler.service';

function bind<T>(provide: symbol, binding: SourceBinding<T> | null): Provider[] {
  if (binding === null) return [];
  if (typeof binding === 'object' && 'useFactory' in binding) return [{ provide, inject: binding.inject, useFactory: binding.useFactory }];
  return [{ provide, useExisting: binding }];
}

/**
 * Prometheus metrics (GET /metrics), the live stats (GET /v1/stats), device telemetry and the
 * status page (GET /). Fed by SwitchyardEvents (global CommonModule) and read-only sources (the
 * runtime's pools, the device inventory, the scheduler's queues); needs SwitchyardConfigModule.
 */
@Module({})
export class MetricsModule {
  static forRoot(options: MetricsModuleOptions = {}): DynamicModule {
    const statusPage = options.statusPage ?? true;
    return {
      module: MetricsModule,
      imports: options.imports ?? [SchedulerModule, ModelsModule],
      controllers: [MetricsController, StatsController, ...(statusPage ? [StatusPageController] : [])],
      providers: [
        MetricsService,
        DeviceDirectory,
        DeviceActivityService,
        RecentDecisions,
        EventMetricsListener,
        TelemetrySampler,
        StatsService,
        DeviceGaugesCollector,
        ...(statusPage ? [StatusPageAssets] : []),
        { provide: METRICS_HOST_TELEMETRY, useClass: SystemInformationHostAdapter },
        { provide: METRICS_GPU_TELEMETRY, useClass: NvidiaSmiAdapter },
        ...bind(METRICS_POOL_SOURCE, options.pools === undefined ? RuntimeService : options.pools),
        ...bind(METRICS_DEVICE_SOURCE, options.devices === undefined ? DeviceInventoryService : options.devices),
        ...(options.scheduler === undefined ? [SchedulerStateAdapter] : []),
        ...bind(METRICS_SCHEDULER_SOURCE, options.scheduler === undefined ? SchedulerStateAdapter : options.scheduler),
      ],
      exports: [MetricsService, StatsService],
    };
  }
}
