import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { type InferenceJob, SchedulerService } from '@switchyard/scheduler';
import { type Caller, ForbiddenError } from '@switchyard/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import type { EncodedInferResponse } from '../codec/encode-infer-response';
import type { InferResult } from '../interfaces/infer-result.interface';
import { ceilPriority } from './ceil-priority';
import { RequestDecoderService } from './request-decoder.service';
import { ResponseEncoderService } from './response-encoder.service';

/**
 * Serves one inference request: decodes and validates the body (nothing invalid reaches a
 * worker), hands the job to the scheduler and encodes the outcome.
 */
@Injectable()
export class InferenceService {
  private readonly defaultPriority: number;

  constructor(
    private readonly decoder: RequestDecoderService,
    private readonly scheduler: SchedulerService,
    private readonly encoder: ResponseEncoderService,
    @Inject(SWITCHYARD_CONFIG) config: SwitchyardConfig,
  ) {
    this.defaultPriority = config.scheduler.defaultPriorityLevel;
  }

  /**
   * `body` is the raw Buffer (or an already parsed JSON object); `headerLength` the
   * Inference-Header-Content-Length header; `caller` the tenant (absent when auth is off).
   */
  async infer(modelName: string, version: string | undefined, body: unknown, headerLength: string | undefined, caller?: Caller): Promise<ServedInferResponse> {
    const result = await this.run(modelName, version, body, headerLength, caller);
    return { ...(await this.encoder.encode(result)), served: result.served! };
  }

  /**
   * Runs a request and returns its outcome unencoded (the jobs consumer wants values, not bytes).
   * The caller's model and device allow-lists apply (a pinned device outside them: 403; placement
   * only on allowed devices) and its priority ceiling lowers the request's priority (said in the
   * response parameters).
   */
  async run(modelName: string, version: string | undefined, body: unknown, headerLength: string | undefined, caller?: Caller): Promise<InferResult> {
    const receivedAt = performance.now();
    const { model, request } = await this.decoder.decode(modelName, version, body, headerLength);
    const { device, timeoutMs, policy } = request.options;
    if (caller && !caller.mayUseModel(model.name)) throw new ForbiddenError(`tenant "${caller.tenant}" may not use model "${model.name}"`);
    if (caller && device !== undefined && !caller.mayUseDevice(device)) throw new ForbiddenError(`tenant "${caller.tenant}" may not run on device "${device}"`);
    const { priority, clampedFrom } = ceilPriority(request.options.priority, caller?.maxPriority, this.defaultPriority);
    // A pinned `device` is checked by the scheduler (unknown: 404, model not loaded there: 400).
    const job: InferenceJob = {
      id: request.id ?? randomUUID(),
      model,
      inputs: request.inputs,
      batchSize: request.batchSize,
      receivedAt,
      ...(request.outputsRequested ? { outputNames: request.outputs.map((o) => o.name) } : {}),
      ...(priority !== undefined ? { priority } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(policy !== undefined ? { policy } : {}),
      ...(device !== undefined ? { device } : {}),
      ...(caller ? { deviceFilter: caller.mayUseDevice } : {}),
    };
    const outcome = await this.scheduler.submit(job);
    return {
      head: {
        model_name: model.name,
        model_version: model.version,
        ...(request.id !== undefined ? { id: request.id } : {}),
        parameters: {
          device: outcome.decision.deviceId,
          policy: outcome.decision.policy,
          ...(outcome.decision.predictedMs !== undefined ? { predicted_ms: round3(outcome.decision.predictedMs) } : {}),
          batch_size: outcome.executedBatchSize,
          queue_ms: round3(outcome.timings.queueMs),
          compute_ms: round3(outcome.timings.runMs),
          ...(outcome.retriedFrom !== undefined ? { attempts: outcome.attempts, retried_from: outcome.retriedFrom } : {}),
          ...(clampedFrom !== undefined ? { priority: priority!, priority_clamped_from: clampedFrom } : {}),
        },
      },
      outputs: outcome.outputs,
      requested: request.outputs,
      served: { model: model.name, version: model.version, device: outcome.decision.deviceId, modelDigest: `sha256:${model.sha256}` },
    };
  }
}

/** An encoded response and what served it (for the signature and the audit log). */
export interface ServedInferResponse extends EncodedInferResponse {
  served: { model: string; version: string; device: string; modelDigest: string };
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
