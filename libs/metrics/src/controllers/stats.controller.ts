import { Controller, Get, Header } from '@nestjs/common';
import type { StatsSnapshot } from '../interfaces/stats-snapshot.interface';
import { StatsService } from '../stats/stats.service';

/** The live JSON view the status page polls. */
@Controller('v1')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('stats')
  @Header('Cache-Control', 'no-store')
  snapshot(): StatsSnapshot {
    return this.stats.snapshot();
  }
}
