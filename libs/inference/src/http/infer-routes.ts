import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { callerOf, HOP_HEADER, ServingState } from '@switchyard/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { auditFacts, AuthGuard, OutputSigner, SIGNATURE_HEADER } from '@switchyard/security';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SwitchyardExceptionFilter } from '../filters/switchyard-exception.filter';
import { INFERENCE_HEADER_CONTENT_LENGTH } from '../inference.constants';
import { InferenceService, type ServedInferResponse } from '../services/inference.service';
import { clientGoneSignal } from './client-gone-signal';

/** Sticky rollout routing: requests with the same value land on the same version. */
const SESSION_HEADER = 'x-switchyard-session';

/** The routes InferRoutes registers (POST), for the lists of routes that Nest's metadata cannot give. */
export const INFER_ROUTES = ['/v2/models/:model/infer', '/v2/models/:model/versions/:version/infer'] as const;

interface InferParams {
  model: string;
  version?: string;
}

/**
 * POST /v2/models/{m}[/versions/{v}]/infer: JSON or binary tensor data in, the same out. Refused
 * with 503 once a drain refuses new work; a client that leaves drops its queued job. With a
 * signing key, each response carries Switchyard-Signature. A request with the hop header
 * (forwarded by another Switchyard) is never sent on to a remote tier.
 *
 * @remarks The hot path, so registered on Fastify directly rather than as a Nest controller:
 * Nest's route pipeline (execution context, guard and interceptor consumers, one factory per
 * handler parameter, the response controller) cost the event loop ~0.04 ms per request (one run
 * with and without it), a fifth of the overhead budget; with the run channels, p50 went down
 * 0.13 / 0.18 ms (JSON / binary) against 0.11 / 0.12 for the channels alone, one run each
 * (bench/results/overhead/2026-11-29-vm-channel/steps). What Nest would
 * apply is applied here: the global AuthGuard's gate with the scope "inference" and the
 * exception filter's mapping of errors (the same classes); Fastify's hooks (body parser, bytes
 * admission, request id, audit) run for every route anyway. Registered at module init, when Nest
 * registers its own routes.
 */
@Injectable()
export class InferRoutes implements OnModuleInit {
  private readonly errors: SwitchyardExceptionFilter;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly inference: InferenceService,
    private readonly serving: ServingState,
    private readonly signer: OutputSigner,
    private readonly guard: AuthGuard,
    @Inject(SWITCHYARD_CONFIG) config: SwitchyardConfig,
  ) {
    this.errors = new SwitchyardExceptionFilter({ bodyLimitBytes: config.http.bodyLimitBytes, logLevel: config.logLevel });
  }

  onModuleInit(): void {
    // an application context without HTTP (a CLI, a test module) has no adapter
    const fastify = this.adapterHost?.httpAdapter?.getInstance?.<FastifyInstance>();
    if (typeof fastify?.post !== 'function') return;
    const handler = (request: FastifyRequest, reply: FastifyReply) => this.handle(request, reply);
    for (const path of INFER_ROUTES) fastify.post(path, handler);
  }

  private async handle(request: FastifyRequest, reply: FastifyReply): Promise<Buffer | FastifyReply> {
    try {
      const admitted = this.guard.check(request, reply, 'inference');
      if (admitted !== true) await admitted;
      this.serving.assertAccepting();
      const { model, version } = request.params as InferParams;
      const headers = request.headers;
      const caller = callerOf(request);
      const response = await this.inference.infer(model, version, request.body, header(headers[INFERENCE_HEADER_CONTENT_LENGTH]), {
        session: header(headers[SESSION_HEADER]),
        signal: clientGoneSignal(reply),
        forwarded: headers[HOP_HEADER] !== undefined,
        caller,
      });
      return this.send(request, reply, response);
    } catch (err) {
      this.errors.send(err, request, reply);
      return reply;
    }
  }

  private send(request: FastifyRequest, reply: FastifyReply, response: ServedInferResponse): Buffer {
    const { served } = response;
    const facts = auditFacts(request);
    facts.model = served.model;
    facts.version = served.version;
    facts.device = served.device;
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

/** A header's value as Nest's @Headers(name) gave it: the string, or undefined. */
function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
