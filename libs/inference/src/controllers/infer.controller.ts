import { Body, Controller, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { type Caller, CurrentCaller, HOP_HEADER, Scope, ServingState } from '@switchyard/common';
import { auditFacts, OutputSigner, SIGNATURE_HEADER } from '@switchyard/security';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientGoneSignal } from '../http/client-gone-signal';
import { INFERENCE_HEADER_CONTENT_LENGTH } from '../inference.constants';
import { InferenceService, type ServedInferResponse } from '../services/inference.service';

/** Sticky rollout routing: requests with the same value land on the same version. */
const SESSION_HEADER = 'x-switchyard-session';

/**
 * POST /v2/models/{m}[/versions/{v}]/infer: JSON or binary tensor data in, the same out. Refused
 * with 503 once a drain refuses new work; a client that leaves drops its queued job. With a
 * signing key, each response carries Switchyard-Signature. A request with the hop header
 * (forwarded by another Switchyard) is never sent on to a remote tier.
 */
@Controller('v2/models/:model')
@Scope('inference')
export class InferController {
  constructor(
    private readonly inference: InferenceService,
    private readonly serving: ServingState,
    private readonly signer: OutputSigner,
  ) {}

  @Post('infer')
  @HttpCode(200)
  async infer(
    @Param('model') model: string,
    @Body() body: unknown,
    @Headers(INFERENCE_HEADER_CONTENT_LENGTH) headerLength: string | undefined,
    @Headers(SESSION_HEADER) session: string | undefined,
    @CurrentCaller() caller: Caller | undefined,
    @Headers(HOP_HEADER) hop: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    this.serving.assertAccepting();
    const options = { session, signal: clientGoneSignal(reply), forwarded: hop !== undefined, ...(caller ? { caller } : {}) };
    return this.send(request, reply, await this.inference.infer(model, undefined, body, headerLength, options));
  }

  @Post('versions/:version/infer')
  @HttpCode(200)
  async inferVersion(
    @Param('model') model: string,
    @Param('version') version: string,
    @Body() body: unknown,
    @Headers(INFERENCE_HEADER_CONTENT_LENGTH) headerLength: string | undefined,
    @Headers(SESSION_HEADER) session: string | undefined,
    @CurrentCaller() caller: Caller | undefined,
    @Headers(HOP_HEADER) hop: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    this.serving.assertAccepting();
    const options = { session, signal: clientGoneSignal(reply), forwarded: hop !== undefined, ...(caller ? { caller } : {}) };
    return this.send(request, reply, await this.inference.infer(model, version, body, headerLength, options));
  }

  private send(request: FastifyRequest, reply: FastifyReply, response: ServedInferResponse): Buffer {
    const { served } = response;
    Object.assign(auditFacts(request), { model: served.model, version: served.version, device: served.device });
    reply.header('content-type', response.contentType);
    if (response.headerLength !== undefined) reply.header('Inference-Header-Content-Length', String(response.headerLength));
    const signature = this.signer.sign({
      requestId: String(request.id),
      model: served.model,
      version: served.version,
      modelDigest: served.modelDigest,
      body: response.body,
    });
    if (signature !== undefined) reply.header(SIGNATURE_HEADER, signature);
    return response.body;
  }
}
