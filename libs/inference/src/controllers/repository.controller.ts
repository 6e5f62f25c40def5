import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { InvalidRequestError, readJsonObject, Scope } from '@switchyard/common';
import { ModelRepositoryService } from '@switchyard/models';
import type { RepositoryIndexEntryDto } from '../dto/model-metadata.dto';
import { isPlainObject } from '../validation/json-guards';

/**
 * Triton's model repository extension: the index, load (with an optional config override) and
 * unload, as tritonclient's get_model_repository_index / load_model / unload_model call them.
 */
@Controller('v2/repository')
@Scope('model-repository')
export class RepositoryController {
  constructor(private readonly models: ModelRepositoryService) {}

  /** Body (optional): {"ready": true} lists only the models that are ready, as Triton does. */
  @Post('index')
  @HttpCode(200)
  async index(@Body() body: unknown): Promise<RepositoryIndexEntryDto[]> {
    const request = readJsonObject(body, 'repository index request');
    if (request.ready !== undefined && typeof request.ready !== 'boolean') throw new InvalidRequestError('"ready" must be true or false');
    const entries = await this.models.index();
    return entries.filter((entry) => request.ready !== true || entry.state === 'READY');
  }

  /** Body (optional): {"parameters": {"config": "<model config as a JSON string>"}}. 200 once READY. */
  @Post('models/:model/load')
  @HttpCode(200)
  async load(@Param('model') name: string, @Body() body: unknown): Promise<Record<string, never>> {
    const parameters = readLoadParameters(body);
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

function readLoadParameters(body: unknown): { config?: string } {
  const request = readJsonObject(body, 'load request');
  if (request.parameters === undefined) return {};
  if (!isPlainObject(request.parameters)) throw new InvalidRequestError('"parameters" must be a JSON object');
  const { config, ...rest } = request.parameters;
  const files = Object.keys(rest).filter((k) => k.startsWith('file:'));
  if (files.length)
    throw new InvalidRequestError(`model files in the load request (${files.join(', ')}) are not supported: put them in the repository`);
  if (config === undefined) return {};
  if (typeof config !== 'string') throw new InvalidRequestError('"parameters.config" must be the model config as a JSON string');
  return { config };
}
