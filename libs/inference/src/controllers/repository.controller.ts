import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { InvalidRequestError, Scope } from '@switchyard/common';
import { ModelRepositoryService } from '@switchyard/models';
import type { RepositoryIndexEntryDto } from '../dto/model-metadata.dto';
import { isPlainObject } from '../validation/json-guards';

/** Triton's model repository extension: the index (load/unload are not offered). */
@Controller('v2/repository')
@Scope('model-repository')
export class RepositoryController {
  constructor(private readonly models: ModelRepositoryService) {}

  /** Body (optional): {"ready": true} lists only the models that are ready, as Triton does. */
  @Post('index')
  @HttpCode(200)
  index(@Body() body: unknown): RepositoryIndexEntryDto[] {
    const readyOnly = readReadyFlag(body);
    return this.models
      .index()
      .filter((entry) => !readyOnly || entry.state === 'READY')
      .map(({ name, version, state, reason }) => ({ name, version, state, ...(reason ? { reason } : {}) }));
  }
}

function readReadyFlag(body: unknown): boolean {
  if (body === undefined || body === null) return false;
  let value = body;
  if (Buffer.isBuffer(body)) {
    if (body.length === 0) return false;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      throw new InvalidRequestError('the repository index request must be a JSON object');
    }
  }
  if (!isPlainObject(value)) throw new InvalidRequestError('the repository index request must be a JSON object');
  if (value.ready !== undefined && typeof value.ready !== 'boolean') throw new InvalidRequestError('"ready" must be true or false');
  return value.ready === true;
}
