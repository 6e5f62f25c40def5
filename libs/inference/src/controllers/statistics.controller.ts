import { Controller, Get, Param } from '@nestjs/common';
import { Scope } from '@switchyard/common';
import { ModelRepositoryService } from '@switchyard/models';
import type { ModelStatisticsResponseDto } from '../statistics/model-statistics.dto';
import { ModelStatisticsService } from '../statistics/model-statistics.service';
import { selectServedVersions } from '../statistics/select-served-versions';

/** Triton's statistics extension (tritonclient's get_inference_statistics). */
@Controller('v2/models')
@Scope('statistics')
export class StatisticsController {
  constructor(
    private readonly models: ModelRepositoryService,
    private readonly statistics: ModelStatisticsService,
  ) {}

  /** Every served version. */
  @Get('stats')
  all(): ModelStatisticsResponseDto {
    return { model_stats: this.statistics.statistics(selectServedVersions(this.models)) };
  }

  /** Every served version of one model (404 when none is). */
  @Get(':model/stats')
  model(@Param('model') name: string): ModelStatisticsResponseDto {
    return { model_stats: this.statistics.statistics(selectServedVersions(this.models, name)) };
  }

  @Get(':model/versions/:version/stats')
  version(@Param('model') name: string, @Param('version') version: string): ModelStatisticsResponseDto {
    return { model_stats: this.statistics.statistics(selectServedVersions(this.models, name, version)) };
  }
}
