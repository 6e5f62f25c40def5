import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import { type InferenceJob, SchedulerService } from '@switchyard/scheduler';
import type { EncodedInferResponse } from '../codec/encode-infer-response';
import type { InferResult } from '../interfaces/infer-result.interface';
import { RequestDecoderService } from './request-decoder.service';
import { ResponseEncoderService } from './response-encoder.service';

/**
 * Serves one inference request: decodes and validates the body (nothing invalid reaches a
 * worker), hands the job to the scheduler and encodes the outcome.
 */
@Injectable()
export class InferenceService {
  constructor(
    private readonly decoder: RequestDecoderService,
    private readonly scheduler: SchedulerService,
    private readonly encoder: ResponseEncoderService,
  ) {}

  /** `body` is the raw Buffer (or an already parsed JSON object); `headerLength` the Inference-Header-Content-Length header. */
  async infer(modelName: string, version: string | undefined, body: unknown, headerLength: string | undefined): Promise<EncodedInferResponse> {
    return this.encoder.encode(await this.run(modelName, version, body, headerLength));
  }

  /** Runs a request and returns its outcome unencoded (the jobs consumer wants values, not bytes). */
  async run(modelName: string, version: string | undefined, body: unknown, headerLength: string | undefined): Promise<InferResult> {
    const receivedAt = performance.now();
    const { model, request } = await this.decoder.decode(modelName, version, body, headerLength);
    const { device, priority, timeoutMs, policy } = request.options;
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
        },
      },
      outputs: outcome.outputs,
      requested: request.outputs,
    };
  }
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
