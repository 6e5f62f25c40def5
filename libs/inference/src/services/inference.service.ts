import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import { ServingState } from '@switchyard/common';
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
    private readonly serving: ServingState,
  ) {}

  /**
   * `body` is the raw Buffer (or an already parsed JSON object); `headerLength` the
   * Inference-Header-Content-Length header; `options.signal` aborts when the client has gone
   * (its job is then dropped if still queued). Counted by the drain until encoded.
   */
  infer(modelName: string, version: string | undefined, body: unknown, headerLength: string | undefined, options: InferOptions = {}): Promise<EncodedInferResponse> {
    return this.serving.whileServing(this.execute(modelName, version, body, headerLength, options).then((result) => this.encoder.encode(result)));
  }

  /** Runs a request and returns its outcome unencoded (the jobs consumer wants values, not bytes). */
  run(modelName: string, version: string | undefined, body: unknown, headerLength: string | undefined): Promise<InferResult> {
    return this.serving.whileServing(this.execute(modelName, version, body, headerLength, {}));
  }

  private async execute(modelName: string, version: string | undefined, body: unknown, headerLength: string | undefined, { signal }: InferOptions): Promise<InferResult> {
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
      ...(signal ? { signal } : {}),
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

export interface InferOptions {
  /** Aborted when the client has gone (see clientGoneSignal). */
  signal?: AbortSignal;
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
