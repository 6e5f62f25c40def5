import { Body, Controller, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ServingState } from '@switchyard/common';
import type { FastifyReply } from 'fastify';
import type { EncodedInferResponse } from '../codec/encode-infer-response';
import { clientGoneSignal } from '../http/client-gone-signal';
import { INFERENCE_HEADER_CONTENT_LENGTH } from '../inference.constants';
import { InferenceService } from '../services/inference.service';

/** Sticky rollout routing: requests with the same value land on the same version. */
const SESSION_HEADER = 'x-switchyard-session';

/**
 * POST /v2/models/{m}[/versions/{v}]/infer: JSON or binary tensor data in, the same out. Refused
 * with 503 once a drain refuses new work; a client that leaves drops its queued job.
 */
@Controller('v2/models/:model')
export class InferController {
  constructor(
    private readonly inference: InferenceService,
    private readonly serving: ServingState,
  ) {}

  @Post('infer')
  @HttpCode(200)
  async infer(
    @Param('model') model: string,
    @Body() body: unknown,
    @Headers(INFERENCE_HEADER_CONTENT_LENGTH) headerLength: string | undefined,
    @Headers(SESSION_HEADER) session: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    this.serving.assertAccepting();
    return send(reply, await this.inference.infer(model, undefined, body, headerLength, { session, signal: clientGoneSignal(reply) }));
  }

  @Post('versions/:version/infer')
  @HttpCode(200)
  async inferVersion(
    @Param('model') model: string,
    @Param('version') version: string,
    @Body() body: unknown,
    @Headers(INFERENCE_HEADER_CONTENT_LENGTH) headerLength: string | undefined,
    @Headers(SESSION_HEADER) session: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    this.serving.assertAccepting();
    return send(reply, await this.inference.infer(model, version, body, headerLength, { session, signal: clientGoneSignal(reply) }));
  }
}

function send(reply: FastifyReply, response: EncodedInferResponse): Buffer {
  reply.header('content-type', response.contentType);
  if (response.headerLength !== undefined) reply.header('Inference-Header-Content-Length', String(response.headerLength));
  return response.body;
}
