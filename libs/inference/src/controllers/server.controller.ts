import { Controller, Get, HttpCode } from '@nestjs/common';
import { UnavailableError } from '@switchyard/common';
import { ModelRepositoryService } from '@switchyard/models';
import type { ServerMetadataDto } from '../dto/model-metadata.dto';
import { SERVER_EXTENSIONS, SERVER_NAME } from '../inference.constants';
import { readServerVersion } from '../server-version';

/** Server metadata and health (Open Inference Protocol v2). */
@Controller('v2')
export class ServerController {
  private readonly metadata: ServerMetadataDto = { name: SERVER_NAME, version: readServerVersion(), extensions: SERVER_EXTENSIONS };

  constructor(private readonly models: ModelRepositoryService) {}

  @Get()
  serverMetadata(): ServerMetadataDto {
    return this.metadata;
  }

  @Get('health/live')
  @HttpCode(200)
  live(): void {}

  @Get('health/ready')
  @HttpCode(200)
  ready(): void {
    if (!this.models.ready()) throw new UnavailableError('the server is not ready: models are still loading or none is usable');
  }
}
