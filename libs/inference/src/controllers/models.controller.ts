import { Controller, Get, HttpCode, Param } from '@nestjs/common';
import { Scope, UnavailableError } from '@switchyard/common';
import { ModelRepositoryService, type ServedModel } from '@switchyard/models';
import { SchedulerService } from '@switchyard/scheduler';
import type { ModelMetadataDto, ModelReadyDto } from '../dto/model-metadata.dto';
import { assertReady } from '../services/assert-model-ready';
import { toModelMetadata, toTritonModelConfig } from '../services/model-metadata.mapper';

/** Model metadata, readiness and configuration, with or without an explicit version. */
@Controller('v2/models/:model')
@Scope('metadata')
export class ModelsController {
  constructor(
    private readonly models: ModelRepositoryService,
    private readonly scheduler: SchedulerService,
  ) {}

  @Get()
  metadata(@Param('model') name: string): ModelMetadataDto {
    return this.metadataOf(name);
  }

  @Get('versions/:version')
  versionMetadata(@Param('model') name: string, @Param('version') version: string): ModelMetadataDto {
    return this.metadataOf(name, version);
  }

  /** 200 {"name", "ready": true} when ready, 503 when not, 404 when unknown. */
  @Get('ready')
  @Scope('health')
  @HttpCode(200)
  ready(@Param('model') name: string): ModelReadyDto {
    return this.readiness(this.models.get(name));
  }

  @Get('versions/:version/ready')
  @Scope('health')
  @HttpCode(200)
  versionReady(@Param('model') name: string, @Param('version') version: string): ModelReadyDto {
    return this.readiness(this.models.get(name, version));
  }

  @Get('config')
  config(@Param('model') name: string): Record<string, unknown> {
    return toTritonModelConfig(this.models.get(name));
  }

  @Get('versions/:version/config')
  versionConfig(@Param('model') name: string, @Param('version') version: string): Record<string, unknown> {
    return toTritonModelConfig(this.models.get(name, version));
  }

  /** Ready: loaded, and some device that has it is not quarantined. */
  private readiness(model: ServedModel): ModelReadyDto {
    assertReady(model);
    if (!this.scheduler.servable(model)) {
      throw new UnavailableError(`model ${model.name} version ${model.version} is not ready: every device it is loaded on is quarantined`, {
        retryAfterSeconds: 5,
      });
    }
    return { name: model.name, version: model.version, ready: true };
  }

  private metadataOf(name: string, version?: string): ModelMetadataDto {
    const model = this.models.get(name, version);
    const versions = this.models
      .list()
      .filter((m) => m.name === name)
      .map((m) => m.version);
    return toModelMetadata(model, versions);
  }
}
