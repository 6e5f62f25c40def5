import { Controller, Get, Header } from '@nestjs/common';
import { Scope } from '@switchyard/common';
import { Registry } from 'prom-client';
import { MetricsService } from '../registry/metrics.service';

/** Prometheus scrape endpoint (text exposition format 0.0.4). */
@Controller()
@Scope('metrics')
export class MetricsController {
  constructor(private readonly metricsService: MetricsService) {}

  @Get('metrics')
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    return this.metricsService.scrape();
  }
}
