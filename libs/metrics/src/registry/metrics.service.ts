import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createSwitchyardMetrics, type SwitchyardMetrics } from './switchyard-metrics';

/**
 * Owns the app's own prom-client Registry (never the global one, so that several apps in one
 * process, as in tests, do not collide) and every instrument in it.
 *
 * @remarks Gauges of current state are refreshed by collectors right before each scrape; a
 * collector that throws is logged and skipped, the scrape still answers.
 */
@Injectable()
export class MetricsService {
  private readonly logger = new Logger(MetricsService.name);
  readonly registry = new Registry();
  readonly metrics: SwitchyardMetrics = createSwitchyardMetrics(this.registry);
  private readonly collectors: Array<() => void> = [];

  constructor() {
    // Node.js process metrics under their standard names (process_*, nodejs_*).
    collectDefaultMetrics({ register: this.registry });
  }

  /** Runs `collect` before every scrape (and before stats are built). */
  addCollector(collect: () => void): void {
    this.collectors.push(collect);
  }

  collect(): void {
    for (const c of this.collectors) {
      try {
        c();
      } catch (err) {
        this.logger.warn(`metrics collector failed: ${(err as Error).message}`);
      }
    }
  }

  /** The text exposition of every metric. */
  async scrape(): Promise<string> {
    this.collect();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Names of every registered metric (histograms without their _bucket/_sum/_count series). */
  metricNames(): string[] {
    return this.registry.getMetricsAsArray().map((m) => m.name);
  }
}
