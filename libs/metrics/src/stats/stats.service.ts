import { Inject, Injectable, Optional } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { DeviceHealthService, type DeviceInfo } from '@switchyard/devices';
import type { PoolStats } from '@switchyard/runtime';
import { ACTIVITY_WINDOW_MS, DeviceActivityService } from '../activity/device-activity.service';
import { RecentDecisions } from '../activity/recent-decisions.service';
import type { DeviceTelemetry } from '../interfaces/device-telemetry.interface';
import type { SchedulerStateSource } from '../interfaces/metrics-sources.interface';
import type { DeviceStatsView, StatsSnapshot } from '../interfaces/stats-snapshot.interface';
import { DeviceDirectory } from '../labels/device-directory.service';
import { METRICS_SCHEDULER_SOURCE } from '../metrics.tokens';

const RECENT_DECISIONS = 20;
import { TelemetrySampler } from '../telemetry/telemetry-sampler.service';

/**
 * The current state of every device, assembled from pool counters, the scheduler's queues,
 * recent activity and the latest telemetry. Both GET /v1/stats and the scrape-time gauges read
 * it, so the status page and Prometheus agree.
 */
@Injectable()
export class StatsService {
  private readonly startedAt = performance.now();

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly directory: DeviceDirectory,
    private readonly activity: DeviceActivityService,
    private readonly decisions: RecentDecisions,
    private readonly telemetry: TelemetrySampler,
    @Optional() @Inject(METRICS_SCHEDULER_SOURCE) private readonly scheduler?: SchedulerStateSource,
    @Optional() private readonly health?: DeviceHealthService,
  ) {}

  snapshot(): StatsSnapshot {
    const devices = this.deviceViews();
    const recent = this.scheduler?.recentDecisions?.() ?? this.decisions.latest(RECENT_DECISIONS);
    const sum = (f: (d: DeviceStatsView) => number) => devices.reduce((acc, d) => acc + f(d), 0);
    return {
      at: Date.now(),
      uptimeSeconds: (performance.now() - this.startedAt) / 1000,
      windowSeconds: ACTIVITY_WINDOW_MS / 1000,
      devices,
      scheduler: { policy: this.policy(), decisionsTotal: this.decisions.count, recentDecisions: recent.slice(0, RECENT_DECISIONS) },
      totals: { completed: sum((d) => d.completedTotal), errors: sum((d) => d.errorsTotal), rejected: this.activity.rejectedTotal },
    };
  }

  deviceViews(): DeviceStatsView[] {
    const now = performance.now();
    const stats = new Map(this.directory.pools().map((p) => [p.device.id, p.stats()]));
    const queues = this.scheduler?.queueDepths() ?? new Map<string, number>();
    const view = (d: DeviceInfo) => this.view(d, stats.get(d.id), queues.get(d.id), now);
    const views = this.directory.devices().map(view);
    const seen = new Set(views.map((v) => v.id));
    for (const g of this.telemetry.nvidiaGpus()) {
      if (seen.has(g.deviceId)) continue;
      seen.add(g.deviceId);
      const info: DeviceInfo = {
        id: g.deviceId,
        kind: 'gpu',
        vendor: 'NVIDIA',
        name: g.gpu.name,
        executionProvider: null,
        usable: false,
        reason: 'not in the device inventory',
        costWeight: 1,
        details: {},
      };
      views.push(view(info));
    }
    for (const id of this.activity.deviceIds()) {
      if (seen.has(id)) continue;
      const kind = this.directory.labels(id).kind;
      views.push(
        view({
          id,
          kind: kind as DeviceInfo['kind'],
          vendor: '',
          name: id,
          executionProvider: null,
          usable: true,
          costWeight: 1,
          details: {},
        }),
      );
    }
    return views;
  }

  private view(d: DeviceInfo, pool: PoolStats | undefined, queued: number | undefined, now: number): DeviceStatsView {
    const a = this.activity.view(d.id, now);
    const t: DeviceTelemetry | undefined = this.telemetry.telemetry(d.id, d.kind);
    const hardware = t?.utilization;
    return {
      id: d.id,
      kind: d.kind,
      name: d.name,
      vendor: d.vendor,
      executionProvider: d.executionProvider,
      usable: d.usable,
      ...(d.reason ? { reason: d.reason } : {}),
      ...(d.usable && pool && this.health ? { health: this.health.get(d.id) } : {}),
      workers: pool?.workers ?? 0,
      capacity: pool?.capacity ?? 0,
      inFlight: pool?.inFlight ?? 0,
      // Without a scheduler queue, what waits inside the pool beyond its slots.
      queueDepth: queued ?? (pool ? Math.max(0, pool.inFlight - pool.capacity) : 0),
      utilization: hardware ?? a.busyRatio,
      utilizationSource: hardware === undefined ? 'busy-ratio' : d.kind === 'cpu' ? 'host-cpu' : 'nvidia-smi',
      busyRatio: a.busyRatio,
      throughputPerSecond: a.throughputPerSecond,
      latencyMs: { p50: a.p50Ms, p99: a.p99Ms },
      completedTotal: a.completedTotal,
      errorsTotal: a.errorsTotal,
      memoryUsedBytes: t?.memoryUsedBytes ?? null,
      memoryTotalBytes: t?.memoryTotalBytes ?? d.memoryBytes ?? null,
      temperatureC: t?.temperatureC ?? null,
      powerWatts: t?.powerWatts ?? null,
    };
  }

  private policy(): string {
    return this.scheduler?.policy() ?? this.config.scheduler.policy;
  }

  get queueLimit(): number {
    return this.config.scheduler.maxQueuedPerDevice;
  }
}
