import { Controller, Get, HttpCode } from '@nestjs/common';
import { Public, Scope, ServingState, UnavailableError } from '@switchyard/common';
import { ModelRepositoryService } from '@switchyard/models';
import { SchedulerService } from '@switchyard/scheduler';
import type { ServerMetadataDto } from '../dto/model-metadata.dto';
import { SERVER_EXTENSIONS, SERVER_NAME } from '../inference.constants';
import { readServerVersion } from '../server-version';

/** Server metadata and health (Open Inference Protocol v2). */
@Controller('v2')
@Scope('metadata')
export class ServerController {
  private readonly metadata: ServerMetadataDto = { name: SERVER_NAME, version: readServerVersion(), extensions: SERVER_EXTENSIONS };

  constructor(
    private readonly models: ModelRepositoryService,
    private readonly serving: ServingState,
    private readonly scheduler: SchedulerService,
  ) {}

  @Get()
  serverMetadata(): ServerMetadataDto {
    return this.metadata;
  }

  /** Triton's clients read the status only; KServe's read {"live": true}. */
  @Get('health/live')
  @Public()
  @HttpCode(200)
  live(): { live: true } {
    return { live: true };
  }

  /** 200 {"ready": true} once every model has loaded and each has a device that is not quarantined, else 503; 503 from the start of a drain (SIGTERM) on. */
  @Get('health/ready')
  @Public()
  @HttpCode(200)
  ready(): { ready: true } {
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
    return { ready: true };
  }
}
