import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DEVICE_HEALTH_STATES } from '@switchyard/devices';
import { MetricsService } from '../registry/metrics.service';
import { StatsService } from '../stats/stats.service';

/**
 * Sets the gauges of current device state right before each scrape, from the same views as
 * GET /v1/stats. Gauges are reset first, so a device that went away leaves no stale series.
 */
@Injectable()
export class DeviceGaugesCollector implements OnModuleInit {
  constructor(
    private readonly metricsService: MetricsService,
    private readonly stats: StatsService,
  ) {}

  onModuleInit(): void {
    this.metricsService.addCollector(() => this.collect());
  }

  collect(): void {
    const m = this.metricsService.metrics;
    const gauges = [
      m.queueDepth,
      m.queueLimit,
      m.inFlight,
      m.capacity,
      m.workers,
      m.busyRatio,
      m.utilization,
      m.memoryUsed,
      m.memoryTotal,
      m.temperature,
      m.power,
      m.info,
      m.health,
    ];
    for (const g of gauges) g.reset();
    for (const d of this.stats.deviceViews()) {
      const labels = { device: d.id, kind: d.kind };
      m.info.set({ ...labels, name: d.name, vendor: d.vendor, ep: d.executionProvider ?? 'none', usable: String(d.usable) }, 1);
      m.busyRatio.set(labels, d.busyRatio);
      if (d.utilization !== null) m.utilization.set(labels, d.utilization);
      if (d.memoryUsedBytes !== null) m.memoryUsed.set(labels, d.memoryUsedBytes);
      if (d.memoryTotalBytes !== null) m.memoryTotal.set(labels, d.memoryTotalBytes);
      if (d.temperatureC !== null) m.temperature.set(labels, d.temperatureC);
      if (d.powerWatts !== null) m.power.set(labels, d.powerWatts);
      if (!d.usable) continue;
      if (d.health) for (const state of DEVICE_HEALTH_STATES) m.health.set({ ...labels, state }, d.health.state === state ? 1 : 0);
      m.queueDepth.set(labels, d.queueDepth);
      m.queueLimit.set(labels, this.stats.queueLimit);
      m.inFlight.set(labels, d.inFlight);
      m.capacity.set(labels, d.capacity);
      m.workers.set(labels, d.workers);
    }
  }
}
