import { Controller, Get } from '@nestjs/common';
import { Scope, UnavailableError } from '@switchyard/common';
import { REDIS_REQUIRED_MESSAGE } from '../jobs.constants';

/**
 * GET /v1/stream on a node without Redis: no WebSocket is served there, so the upgrade request
 * reaches HTTP and gets 503 with the reason (a WebSocket client reports the status).
 */
@Controller('v1/stream')
@Scope('jobs')
export class StreamUnavailableController {
  @Get()
  stream(): never {
    throw new UnavailableError(REDIS_REQUIRED_MESSAGE);
  }
}
