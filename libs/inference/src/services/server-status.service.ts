import { Injectable } from '@nestjs/common';
import { ServingState, UnavailableError } from '@switchyard/common';
import { ModelRepositoryService, type ServedModel } from '@switchyard/models';
import { SchedulerService } from '@switchyard/scheduler';
import type { ModelMetadataDto, ModelReadyDto, RepositoryIndexEntryDto, ServerMetadataDto } from '../dto/model-metadata.dto';
import { SERVER_EXTENSIONS, SERVER_NAME } from '../inference.constants';
import { readServerVersion } from '../server-version';
import { assertReady } from './assert-model-ready';
import { toModelMetadata } from './model-metadata.mapper';

/**
 * The protocol's health and metadata answers, for every entry point (the /v2 controllers and
 * gRPC): unknown models throw 404, anything not ready throws 503 with the reason.
 */
@Injectable()
export class ServerStatusService {
  readonly metadata: ServerMetadataDto = { name: SERVER_NAME, version: readServerVersion(), extensions: SERVER_EXTENSIONS };

  constructor(
    private readonly models: ModelRepositoryService,
    private readonly serving: ServingState,
    private readonly scheduler: SchedulerService,
  ) {}

  /** Ready once every model has loaded and each has a device that is not quarantined; not from the start of a drain (SIGTERM) on. */
  assertServerReady(): void {
    if (!this.serving.ready)
      throw new UnavailableError('the server is shutting down (draining): send new work elsewhere', { retryAfterSeconds: 1 });
    if (!this.models.ready()) throw new UnavailableError('the server is not ready: models are still loading or none is usable');
    // only READY versions: one loading, unloading or refused at run time has no devices yet
    const stranded = this.models.list().filter((m) => m.state === 'READY' && !this.scheduler.servable(m));
    if (stranded.length) {
      throw new UnavailableError(`the server is not ready: every device of ${stranded.map((m) => m.key).join(', ')} is quarantined`, {
        retryAfterSeconds: 5,
      });
    }
  }

  /** Ready: loaded, and some device that has it is not quarantined. */
  modelReady(name: string, version?: string): ModelReadyDto {
    const model: ServedModel = this.models.get(name, version);
    assertReady(model);
    if (!this.scheduler.servable(model)) {
      throw new UnavailableError(`model ${model.name} version ${model.version} is not ready: every device it is loaded on is quarantined`, {
        retryAfterSeconds: 5,
      });
    }
    return { name: model.name, version: model.version, ready: true };
  }

  /** The metadata of a version (the newest when none is named), `versions` listing every served one. */
  modelMetadata(name: string, version?: string): ModelMetadataDto {
    const model = this.models.get(name, version);
    const versions = this.models
      .list()
      .filter((m) => m.name === name)
      .map((m) => m.version);
    return toModelMetadata(model, versions);
  }

  /** Triton's repository index; `readyOnly` keeps the versions that are READY. */
  async repositoryIndex(readyOnly: boolean): Promise<RepositoryIndexEntryDto[]> {
    const entries = await this.models.index();
    return entries.filter((entry) => !readyOnly || entry.state === 'READY');
  }
}
