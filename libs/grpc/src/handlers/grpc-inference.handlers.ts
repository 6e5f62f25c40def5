import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { handleUnaryCall, ServerUnaryCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import { type Caller, DeadlineExceededError, ServingState, SwitchyardError, UnavailableError } from '@switchyard/common';
import {
  InferenceService,
  InflightBytesGate,
  ModelStatisticsService,
  readLoadParameters,
  ResponseEncoderService,
  selectServedVersions,
  ServerStatusService,
} from '@switchyard/inference';
import { ModelRepositoryService } from '@switchyard/models';
import { AuditLog } from '@switchyard/security';
import { toInferBody } from '../codec/infer-request.codec';
import { toModelInferResponse } from '../codec/infer-response.codec';
import { readParameterMap } from '../codec/parameter-map';
import { toGrpcError } from '../errors/grpc-status.map';
import { type GrpcCall, GrpcCallGuard } from '../guard/grpc-call.guard';
import type {
  ModelInferRequestMessage,
  ModelInferResponseMessage,
  ModelRefMessage,
  RepositoryIndexRequestMessage,
  RepositoryModelRequestMessage,
} from '../interfaces/grpc-messages.interface';

/** What a call's audit line says beyond its RPC and status (the served model and device of an inference). */
interface CallFacts {
  tenant?: string;
  model?: string;
  version?: string;
  device?: string;
  bytesIn: number;
}

/** Sticky rollout routing, as the HTTP X-Switchyard-Session header. */
const SESSION_METADATA = 'x-switchyard-session';

const noModel = (): undefined => undefined;
const byName = (r: ModelRefMessage): string => r.name;
const byModelName = (r: RepositoryModelRequestMessage): string => r.model_name;

/**
 * inference.GRPCInferenceService over the services behind the /v2 routes: every call passes the
 * GrpcCallGuard, then the same decoder, scheduler path and typed errors as HTTP (mapped to gRPC
 * codes once, in toGrpcError). A call's deadline becomes its request's queue timeout, and a
 * cancelled call drops its queued job.
 */
@Injectable()
export class GrpcInferenceHandlers {
  private readonly logger = new Logger(GrpcInferenceHandlers.name);

  constructor(
    private readonly inference: InferenceService,
    private readonly encoder: ResponseEncoderService,
    private readonly status: ServerStatusService,
    private readonly statistics: ModelStatisticsService,
    private readonly models: ModelRepositoryService,
    private readonly serving: ServingState,
    private readonly bytes: InflightBytesGate,
    private readonly guard: GrpcCallGuard,
    private readonly audit: AuditLog,
  ) {}

  implementation(): UntypedServiceImplementation {
    return {
      ServerLive: this.unary('ServerLive', 'public', noModel, () => ({ live: true })),
      ServerReady: this.unary('ServerReady', 'public', noModel, () => ({ ready: readiness(() => this.status.assertServerReady()) })),
      ModelReady: this.unary('ModelReady', 'health', byName, (r: ModelRefMessage) => ({
        ready: readiness(() => this.status.modelReady(r.name, r.version || undefined)),
      })),
      ServerMetadata: this.unary('ServerMetadata', 'metadata', noModel, () => this.status.metadata),
      ModelMetadata: this.unary('ModelMetadata', 'metadata', byName, (r: ModelRefMessage) =>
        this.status.modelMetadata(r.name, r.version || undefined),
      ),
      ModelInfer: this.unary(
        'ModelInfer',
        'inference',
        (r: ModelInferRequestMessage) => r.model_name,
        (r, call, caller, facts) => this.infer(r, call, caller, facts),
      ),
      ModelStatistics: this.unary(
        'ModelStatistics',
        'statistics',
        (r: ModelRefMessage) => r.name || undefined,
        (r: ModelRefMessage) => ({
          model_stats: this.statistics.statistics(selectServedVersions(this.models, r.name || undefined, r.version || undefined)),
        }),
      ),
      RepositoryIndex: this.unary('RepositoryIndex', 'model-repository', noModel, async (r: RepositoryIndexRequestMessage) => ({
        models: (await this.status.repositoryIndex(r.ready)).map((e) => ({ ...e, version: e.version ?? '', reason: e.reason ?? '' })),
      })),
      RepositoryModelLoad: this.unary('RepositoryModelLoad', 'model-repository', byModelName, async (r: RepositoryModelRequestMessage) => {
        const { config } = readLoadParameters(readParameterMap(r.parameters, 'load request'));
        await this.models.load(r.model_name, config);
        return {};
      }),
      RepositoryModelUnload: this.unary(
        'RepositoryModelUnload',
        'model-repository',
        byModelName,
        async (r: RepositoryModelRequestMessage) => {
          await this.models.unload(r.model_name);
          return {};
        },
      ),
    };
  }

  private async infer(
    request: ModelInferRequestMessage,
    call: ServerUnaryCall<ModelInferRequestMessage, ModelInferResponseMessage>,
    caller: Caller | undefined,
    facts: CallFacts,
  ): Promise<ModelInferResponseMessage> {
    this.serving.assertAccepting();
    const remainingMs = remainingTime(call.getDeadline());
    if (remainingMs !== undefined && remainingMs <= 0) throw new DeadlineExceededError('the call reached its deadline before it was read');
    // the message is already read (grpc-js), but what it holds counts against the same budget as HTTP bodies
    const held = tensorBytes(request);
    facts.bytesIn = held;
    this.bytes.admit(held);
    try {
      const { body, headerLength, raw } = toInferBody(request, remainingMs);
      const gone = new AbortController();
      call.once('cancelled', () => gone.abort());
      const session = call.metadata.get(SESSION_METADATA)[0];
      const result = await this.inference.run(request.model_name, request.model_version || undefined, body, headerLength, {
        signal: gone.signal,
        ...(typeof session === 'string' ? { session } : {}),
        ...(caller ? { caller } : {}),
      });
      if (result.served) Object.assign(facts, { model: result.served.model, version: result.served.version, device: result.served.device });
      try {
        return toModelInferResponse(result, raw);
      } finally {
        this.encoder.release(result);
      }
    } finally {
      this.bytes.release(held);
    }
  }

  /** One RPC: the guard, then the handler; any failure goes out through the status map. */
  private unary<Req, Res>(
    method: string,
    scope: GrpcCall['scope'],
    modelOf: (request: Req) => string | undefined,
    handle: (request: Req, call: ServerUnaryCall<Req, Res>, caller: Caller | undefined, facts: CallFacts) => Res | Promise<Res>,
  ): handleUnaryCall<Req, Res> {
    const run = async (call: ServerUnaryCall<Req, Res>, facts: CallFacts): Promise<Res> => {
      const model = modelOf(call.request);
      if (model) facts.model = model;
      const admitted = await this.guard.check({ method, scope, metadata: call.metadata, ...(model ? { model } : {}) });
      if (admitted.caller) facts.tenant = admitted.caller.tenant;
      try {
        return await handle(call.request, call, admitted.caller, facts);
      } finally {
        admitted.release();
      }
    };
    return (call, callback) => {
      const started = performance.now();
      const facts: CallFacts = { bytesIn: 0 };
      run(call, facts).then(
        (response) => {
          this.record(method, scope, call, facts, 200, started);
          callback(null, response);
        },
        (err: unknown) => {
          this.record(method, scope, call, facts, err instanceof SwitchyardError ? err.status : 500, started);
          callback(this.failure(method, err));
        },
      );
    };
  }

  /** The call's audit line, by the HTTP rules (refusals and repository calls always, the rest sampled); status as its HTTP equivalent. */
  private record(
    method: string,
    scope: GrpcCall['scope'],
    call: ServerUnaryCall<unknown, unknown>,
    facts: CallFacts,
    status: number,
    started: number,
  ): void {
    if (!this.audit.enabled) return;
    const given = call.metadata.get('x-request-id')[0];
    this.audit.recordCall({
      request_id: typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID(),
      ...(facts.tenant !== undefined ? { tenant: facts.tenant } : {}),
      ...(scope !== 'public' ? { scope } : {}),
      method: 'gRPC',
      route: `/inference.GRPCInferenceService/${method}`,
      ...(facts.model !== undefined ? { model: facts.model.slice(0, 256) } : {}),
      ...(facts.version !== undefined ? { version: facts.version } : {}),
      ...(facts.device !== undefined ? { device: facts.device } : {}),
      status,
      bytes_in: facts.bytesIn,
      latency_ms: Math.round((performance.now() - started) * 1000) / 1000,
    });
  }

  private failure(method: string, err: unknown): ReturnType<typeof toGrpcError> {
    if (!(err instanceof SwitchyardError)) this.logger.error(`${method}: ${(err as Error)?.stack ?? String(err)}`);
    else if (err.status >= 500 && err.status !== 503 && err.status !== 504) this.logger.warn(`${method}: ${err.message}`);
    return toGrpcError(err);
  }
}

/** Readiness as the protocol's gRPC answers it: false rather than an error when not ready (unknown models stay NOT_FOUND). */
function readiness(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch (err) {
    if (err instanceof UnavailableError) return false;
    throw err;
  }
}

/** The tensor bytes a request holds: its raw contents, typed values at 8 bytes each (JS numbers), BYTES elements with their length. */
function tensorBytes(request: ModelInferRequestMessage): number {
  let n = 0;
  for (const raw of request.raw_input_contents ?? []) n += raw.length;
  for (const input of request.inputs ?? []) {
    for (const [field, values] of Object.entries(input.contents ?? {}) as Array<[string, unknown[]]>) {
      if (!Array.isArray(values)) continue;
      if (field === 'bytes_contents') for (const v of values as Buffer[]) n += v.length + 4;
      else n += values.length * 8;
    }
  }
  return n;
}

/** Milliseconds left before the call's deadline; undefined when it has none. */
function remainingTime(deadline: Date | number): number | undefined {
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(at) ? at - Date.now() : undefined;
}
