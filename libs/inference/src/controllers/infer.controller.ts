import { Body, Controller, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { type Caller, CurrentCaller, Scope } from '@switchyard/common';
import { auditFacts, OutputSigner, SIGNATURE_HEADER } from '@switchyard/security';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { INFERENCE_HEADER_CONTENT_LENGTH } from '../http/inference-body.parser';
import { InferenceService, type ServedInferResponse } from '../services/inference.service';

/** POST /v2/models/{m}[/versions/{v}]/infer: JSON or binary tensor data in, the same out. */
@Controller('v2/models/:model')
@Scope('inference')
export class InferController {
  constructor(
    private readonly inference: InferenceService,
    private readonly signer: OutputSigner,
  ) {}

  @Post('infer')
  @HttpCode(200)
  async infer(
    @Param('model') model: string,
    @Body() body: unknown,
    @Headers(INFERENCE_HEADER_CONTENT_LENGTH) headerLength: string | undefined,
    @CurrentCaller() caller: Caller | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    return this.send(request, reply, await this.inference.infer(model, undefined, body, headerLength, caller));
  }

  @Post('versions/:version/infer')
  @HttpCode(200)
  async inferVersion(
    @Param('model') model: string,
    @Param('version') version: string,
    @Body() body: unknown,
    @Headers(INFERENCE_HEADER_CONTENT_LENGTH) headerLength: string | undefined,
    @CurrentCaller() caller: Caller | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    return this.send(request, reply, await this.inference.infer(model, version, body, headerLength, caller));
  }

  private send(request: FastifyRequest, reply: FastifyReply, response: ServedInferResponse): Buffer {
    const { served } = response;
    Object.assign(auditFacts(request), { model: served.model, version: served.version, device: served.device });
    reply.header('content-type', response.contentType);
    if (response.headerLength !== undefined) reply.header('Inference-Header-Content-Length', String(response.headerLength));
    const signature = this.signer.sign({ requestId: String(request.id), model: served.model, version: served.version, modelDigest: served.modelDigest, body: response.body });
    if (signature !== undefined) reply.header(SIGNATURE_HEADER, signature);
    return response.body;
  }
}
