import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { InvalidRequestError, readJsonObject, Scope } from '@switchyard/common';
import { ModelRepositoryService } from '@switchyard/models';
import type { RepositoryIndexEntryDto } from '../dto/model-metadata.dto';
import { ServerStatusService } from '../services/server-status.service';
import { readLoadParameters } from '../validation/read-load-parameters';

/**
 * Triton's model repository extension: the index, load (with an optional config override) and
 * unload, as tritonclient's get_model_repository_index / load_model / unload_model call them.
 */
@Controller('v2/repository')
@Scope('model-repository')
export class RepositoryController {
  constructor(
    private readonly models: ModelRepositoryService,
    private readonly status: ServerStatusService,
  ) {}

  /** Body (optional): {"ready": true} lists only the models that are ready, as Triton does. */
  @Post('index')
  @HttpCode(200)
  index(@Body() body: unknown): Promise<RepositoryIndexEntryDto[]> {
    const request = readJsonObject(body, 'repository index request');
    if (request.ready !== undefined && typeof request.ready !== 'boolean') throw new InvalidRequestError('"ready" must be true or false');
    return this.status.repositoryIndex(request.ready === true);
  }

  /** Body (optional): {"parameters": {"config": "<model config as a JSON string>"}}. 200 once READY. */
  @Post('models/:model/load')
  @HttpCode(200)
  async load(@Param('model') name: string, @Body() body: unknown): Promise<Record<string, never>> {
    const parameters = readLoadParameters(readJsonObject(body, 'load request').parameters);
    await this.models.load(name, parameters.config);
    return {};
  }

  /** 200 once every version is unloaded (admitted requests finished first). */
  @Post('models/:model/unload')
  @HttpCode(200)
  async unload(@Param('model') name: string, @Body() body: unknown): Promise<Record<string, never>> {
    readJsonObject(body, 'unload request');
    await this.models.unload(name);
    return {};
  }
}
