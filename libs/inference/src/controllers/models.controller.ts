import { Controller, Get, HttpCode, Param } from '@nestjs/common';
import { Scope } from '@switchyard/common';
import { ModelRepositoryService } from '@switchyard/models';
import type { ModelMetadataDto, ModelReadyDto } from '../dto/model-metadata.dto';
import { toTritonModelConfig } from '../services/model-metadata.mapper';
import { ServerStatusService } from '../services/server-status.service';

/** Model metadata, readiness and configuration, with or without an explicit version. */
@Controller('v2/models/:model')
@Scope('metadata')
export class ModelsController {
  constructor(
    private readonly models: ModelRepositoryService,
    private readonly status: ServerStatusService,
  ) {}

  @Get()
  metadata(@Param('model') name: string): ModelMetadataDto {
    return this.status.modelMetadata(name);
  }

  @Get('versions/:version')
  versionMetadata(@Param('model') name: string, @Param('version') version: string): ModelMetadataDto {
    return this.status.modelMetadata(name, version);
  }

  /** 200 {"name", "ready": true} when ready, 503 when not, 404 when unknown. */
  @Get('ready')
  @Scope('health')
  @HttpCode(200)
  ready(@Param('model') name: string): ModelReadyDto {
    return this.status.modelReady(name);
  }

  @Get('versions/:version/ready')
  @Scope('health')
  @HttpCode(200)
  versionReady(@Param('model') name: string, @Param('version') version: string): ModelReadyDto {
    return this.status.modelReady(name, version);
  }

  @Get('config')
  config(@Param('model') name: string): Record<string, unknown> {
    return toTritonModelConfig(this.models.get(name));
  }

  @Get('versions/:version/config')
  versionConfig(@Param('model') name: string, @Param('version') version: string): Record<string, unknown> {
    return toTritonModelConfig(this.models.get(name, version));
  }
}
