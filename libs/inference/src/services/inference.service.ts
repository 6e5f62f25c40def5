import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { SwitchyardError, SwitchyardEvents } from '@switchyard/common';
import { ModelRepositoryService, type ServedModel } from '@switchyard/models';
import { RuntimeService } from '@switchyard/runtime';
import { answerLabels, FeedbackService, RolloutService } from '@switchyard/rollouts';
import { type InferenceJob, type JobOutcome, SchedulerService } from '@switchyard/scheduler';
import { encodeInferResponse, type EncodedInferResponse } from '../codec/encode-infer-response';
import { splitInferBody } from '../codec/split-infer-body';
import { InferRequestValidator } from '../validation/infer-request.validator';
import { readInferRequest } from '../validation/read-infer-request';
import type { ValidatedInferRequest } from '../interfaces/validated-infer-request.interface';
import { DEFAULT_MAX_TENSOR_ELEMENTS } from '../inference.constants';
import { assertReady } from './assert-model-ready';

/**
 * Serves one inference request: finds the model, decodes and validates the body (nothing invalid
 * reaches a worker), hands the job to the scheduler and encodes the outcome.
 */
@Injectable()
export class InferenceService {
  private readonly validator: InferRequestValidator;

  constructor(
    @Inject(SWITCHYARD_CONFIG) config: SwitchyardConfig,
    private readonly models: ModelRepositoryService,
    private readonly scheduler: SchedulerService,
    private readonly runtime: RuntimeService,
    private readonly events: SwitchyardEvents,
    private readonly rollouts: RolloutService,
    private readonly feedback: FeedbackService,
  ) {
    // decoded tensors take recycled memory: workers return input buffers after each run
    this.validator = new InferRequestValidator({ maxTensorElements: config.http.maxTensorElements ?? DEFAULT_MAX_TENSOR_ELEMENTS }, (n) =>
      runtime.buffers.acquire(n),
    );
  }

  /**
   * `body` is the raw Buffer (or an already parsed JSON object); `headerLength` the
   * Inference-Header-Content-Length header; `session` the X-Switchyard-Session header (sticky
   * rollout routing). A request that names no version goes where a rollout routes it.
   */
  async infer(modelName: string, version: string | undefined, body: unknown, headerLength: string | undefined, session?: string): Promise<EncodedInferResponse> {
    const receivedAt = performance.now();
    const route = version === undefined || version === '' ? this.rollouts.route(modelName, session) : undefined;
    const model = this.models.get(modelName, route?.version ?? version);
    assertReady(model);
    if (!route?.shadow) return (await this.serve(model, body, headerLength, receivedAt, ANSWER)).encoded;
    // shadow: the candidate gets its own decode of the same body; only the primary answers
    const primary = this.serve(model, body, headerLength, receivedAt, { remember: true, labels: true });
    const mirror = this.mirror(modelName, route.shadow, body, headerLength);
    void Promise.all([primary.catch(() => undefined), mirror]).then(([a, b]) => {
      if (a && b) this.rollouts.recordShadow(modelName, a.labels.join('|') === b.labels.join('|'));
    });
    return (await primary).encoded;
  }

  /** A mirrored run for a shadow candidate: its failures are counted (inference.finished), never seen. */
  private async mirror(name: string, version: string, body: unknown, headerLength: string | undefined): Promise<{ labels: string[] } | undefined> {
    try {
      return await this.serve(this.models.get(name, version), body, headerLength, performance.now(), { remember: false, labels: true });
    } catch {
      return undefined;
    }
  }

  /** Runs one request on a resolved version and reports it ('inference.finished'). */
  private async serve(model: ServedModel, body: unknown, headerLength: string | undefined, receivedAt: number, use: AnswerUse): Promise<{ encoded: EncodedInferResponse; labels: string[] }> {
    const ns = (ms: number) => Math.round(ms * 1e6);
    let batchSize = 1;
    try {
      const { header, binary } = splitInferBody(body, headerLength);
      const request = this.validator.validate(model, readInferRequest(header), binary);
      batchSize = request.batchSize;
      const decodedAt = performance.now();
      const { encoded, outcome, encodeMs, labels } = await this.run(model, request, receivedAt, use);
      const done = performance.now();
      this.events.emit('inference.finished', {
        model: model.name,
        version: model.version,
        outcome: 'ok',
        batchSize,
        executedBatchSize: outcome.executedBatchSize,
        queueNs: ns(outcome.timings.queueMs),
        inputNs: ns(decodedAt - receivedAt),
        inferNs: ns(outcome.timings.runMs),
        outputNs: ns(encodeMs),
        totalNs: ns(done - receivedAt),
      });
      return { encoded, labels };
    } catch (err) {
      const status = err instanceof SwitchyardError ? err.status : 500;
      const totalNs = ns(performance.now() - receivedAt);
      this.events.emit('inference.finished', { model: model.name, version: model.version, outcome: 'error', status, batchSize, queueNs: 0, inputNs: 0, inferNs: 0, outputNs: 0, totalNs });
      throw err;
    }
  }

  private async run(
    model: ServedModel,
    request: ValidatedInferRequest,
    receivedAt: number,
    use: AnswerUse,
  ): Promise<{ encoded: EncodedInferResponse; outcome: JobOutcome; encodeMs: number; labels: string[] }> {
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
    // held until answered: an unload of this version waits for it (no await between here and submit)
    const release = this.models.acquire(model);
    const outcome = await this.scheduler.submit(job).finally(release);
    const encodeStart = performance.now();
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
        },
      },
      outcome.outputs,
      request.outputs,
    );
    const encodeMs = performance.now() - encodeStart;
    // answers are remembered for feedback (requests with an id) and compared in shadow mode
    let labels: string[] = [];
    if (use.remember && request.id !== undefined) labels = this.feedback.remember(request.id, model.name, model.version, outcome.outputs);
    else if (use.labels) labels = answerLabels(outcome.outputs);
    // the encoded body holds copies: the output buffers are free for the next request's tensors
    for (const output of outcome.outputs) this.runtime.buffers.release(output.data);
    return { encoded, outcome, encodeMs, labels };
  }
}

/** What an answer is kept for: feedback (requests with an id), shadow comparison (labels). */
interface AnswerUse {
  remember: boolean;
  labels: boolean;
}

const ANSWER: AnswerUse = { remember: true, labels: false };

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
