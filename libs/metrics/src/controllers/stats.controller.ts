import { Controller, Get, Header } from '@nestjs/common';
import { Scope } from '@switchyard/common';
import type { StatsSnapshot } from '../interfaces/stats-snapshot.interface';
import { StatsService } from '../stats/stats.service';

/** The live JSON view the status page polls. */
@Controller('v1')
@Scope('statistics')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('stats')
  @Header('Cache-Control', 'no-store')
  snapshot(): StatsSnapshot {
    return this.stats.snapshot();
  }
}
