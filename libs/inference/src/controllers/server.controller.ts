import { Controller, Get, HttpCode } from '@nestjs/common';
import { Public, Scope } from '@switchyard/common';
import type { ServerMetadataDto } from '../dto/model-metadata.dto';
import { ServerStatusService } from '../services/server-status.service';

/** Server metadata and health (Open Inference Protocol v2). */
@Controller('v2')
@Scope('metadata')
export class ServerController {
  constructor(private readonly status: ServerStatusService) {}

  @Get()
  serverMetadata(): ServerMetadataDto {
    return this.status.metadata;
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
    this.status.assertServerReady();
    return { ready: true };
  }
}
