import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { ModelRepositoryService } from '@switchyard/models';
import { RuntimeService } from '@switchyard/runtime';
import { type InferenceJob, SchedulerService } from '@switchyard/scheduler';
import { type Caller, ForbiddenError } from '@switchyard/common';
import { encodeInferResponse, type EncodedInferResponse } from '../codec/encode-infer-response';
import { splitInferBody } from '../codec/split-infer-body';
import { InferRequestValidator } from '../validation/infer-request.validator';
import { readInferRequest } from '../validation/read-infer-request';
import { DEFAULT_MAX_TENSOR_ELEMENTS } from '../inference.constants';
import { assertReady } from './assert-model-ready';
import { ceilPriority } from './ceil-priority';

/**
 * Serves one inference request: finds the model, decodes and validates the body (nothing invalid
 * reaches a worker), hands the job to the scheduler and encodes the outcome.
 */
@Injectable()
export class InferenceService {
  private readonly validator: InferRequestValidator;
  private readonly defaultPriority: number;

  constructor(
    @Inject(SWITCHYARD_CONFIG) config: SwitchyardConfig,
    private readonly models: ModelRepositoryService,
    private readonly scheduler: SchedulerService,
    private readonly runtime: RuntimeService,
  ) {
    this.defaultPriority = config.scheduler.defaultPriorityLevel;
    // decoded tensors take recycled memory: workers return input buffers after each run
    this.validator = new InferRequestValidator({ maxTensorElements: config.http.maxTensorElements ?? DEFAULT_MAX_TENSOR_ELEMENTS }, (n) =>
      runtime.buffers.acquire(n),
    );
  }

  /**
   * `body` is the raw Buffer (or an already parsed JSON object); `headerLength` the
   * Inference-Header-Content-Length header; `caller` the tenant (absent when auth is off): its
   * priority ceiling clamps the request's priority (said in the response parameters) and its
   * device allow-list bounds placement (a pinned device outside it: 403).
   */
  async infer(modelName: string, version: string | undefined, body: unknown, headerLength: string | undefined, caller?: Caller): Promise<ServedInferResponse> {
    const receivedAt = performance.now();
    const model = this.models.get(modelName, version);
    assertReady(model);
    const { header, binary } = splitInferBody(body, headerLength);
    const request = this.validator.validate(model, readInferRequest(header), binary);
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
    const encoded = encodeInferResponse(
      {
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
      outcome.outputs,
      request.outputs,
    );
    // the encoded body holds copies: the output buffers are free for the next request's tensors
    for (const output of outcome.outputs) this.runtime.buffers.release(output.data);
    return { ...encoded, served: { model: model.name, version: model.version, device: outcome.decision.deviceId, modelDigest: `sha256:${model.sha256}` } };
  }
}

/** An encoded response and what served it (for the signature and the audit log). */
export interface ServedInferResponse extends EncodedInferResponse {
  served: { model: string; version: string; device: string; modelDigest: string };
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
