import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import { ServingState, SwitchyardError, SwitchyardEvents } from '@switchyard/common';
import { ModelRepositoryService, type ServedModel } from '@switchyard/models';
import { answerLabels, FeedbackService, RolloutService, type RouteDecision } from '@switchyard/rollouts';
import { type InferenceJob, type JobOutcome, SchedulerService } from '@switchyard/scheduler';
import type { EncodedInferResponse } from '../codec/encode-infer-response';
import type { InferResult } from '../interfaces/infer-result.interface';
import { RequestDecoderService } from './request-decoder.service';
import { ResponseEncoderService } from './response-encoder.service';

/** A request that ran: its result, what it cost, and its answer's labels (feedback, shadow). */
interface Executed {
  model: ServedModel;
  result: InferResult;
  outcome: JobOutcome;
  batchSize: number;
  receivedAt: number;
  decodedAt: number;
  labels: string[];
}

/** What an answer is kept for: feedback (requests with an id), shadow comparison (labels). */
interface AnswerUse {
  remember: boolean;
  labels: boolean;
}

const ANSWER: AnswerUse = { remember: true, labels: false };

/**
 * Serves one inference request: routes it (rollouts), decodes and validates the body (nothing
 * invalid reaches a worker), hands the job to the scheduler, encodes the outcome and reports it
 * ('inference.finished': statistics, rollouts, metrics).
 */
@Injectable()
export class InferenceService {
  constructor(
    private readonly decoder: RequestDecoderService,
    private readonly scheduler: SchedulerService,
    private readonly encoder: ResponseEncoderService,
    private readonly models: ModelRepositoryService,
    private readonly events: SwitchyardEvents,
    private readonly rollouts: RolloutService,
    private readonly feedback: FeedbackService,
    private readonly serving: ServingState,
  ) {}

  /**
   * `body` is the raw Buffer (or an already parsed JSON object); `headerLength` the
   * Inference-Header-Content-Length header; `options.session` the X-Switchyard-Session header
   * (sticky rollout routing: a request that names no version goes where a rollout routes it);
   * `options.signal` aborts when the client has gone (its job is then dropped if still queued).
   * Counted by the drain until encoded.
   */
  infer(
    modelName: string,
    version: string | undefined,
    body: unknown,
    headerLength: string | undefined,
    options: InferOptions = {},
  ): Promise<EncodedInferResponse> {
    return this.serving.whileServing(this.inferAndEncode(modelName, version, body, headerLength, options));
  }

  /** Runs a request and returns its outcome unencoded (the jobs consumer wants values, not bytes). */
  run(modelName: string, version: string | undefined, body: unknown, headerLength: string | undefined): Promise<InferResult> {
    return this.serving.whileServing(this.runUnencoded(modelName, version, body, headerLength));
  }

  private async inferAndEncode(
    modelName: string,
    version: string | undefined,
    body: unknown,
    headerLength: string | undefined,
    options: InferOptions,
  ): Promise<EncodedInferResponse> {
    const receivedAt = performance.now();
    const route = this.route(modelName, version, options.session);
    const use = route?.shadow ? { remember: true, labels: true } : ANSWER;
    const primary = this.execute(
      modelName,
      route?.version ?? version,
      body,
      headerLength,
      receivedAt,
      use,
      options.signal,
      options.forwarded,
    );
    if (route?.shadow) this.shadow(modelName, route, primary, body, headerLength);
    const done = await primary;
    const encodeStart = performance.now();
    const encoded = await this.encoder.encode(done.result);
    this.finished(done, performance.now() - encodeStart);
    return encoded;
  }

  private async runUnencoded(
    modelName: string,
    version: string | undefined,
    body: unknown,
    headerLength: string | undefined,
  ): Promise<InferResult> {
    const receivedAt = performance.now();
    const route = this.route(modelName, version, undefined);
    const done = await this.execute(modelName, route?.version ?? version, body, headerLength, receivedAt, ANSWER);
    this.finished(done, 0);
    return done.result;
  }

  private route(modelName: string, version: string | undefined, session: string | undefined): RouteDecision | undefined {
    return version === undefined || version === '' ? this.rollouts.route(modelName, session) : undefined;
  }

  /** Shadow mode: the candidate gets its own decode of the same body; its answer is compared, never sent. */
  private shadow(
    modelName: string,
    route: RouteDecision,
    primary: Promise<Executed>,
    body: unknown,
    headerLength: string | undefined,
  ): void {
    const mirror = this.execute(modelName, route.shadow, body, headerLength, performance.now(), { remember: false, labels: true }).then(
      (done) => {
        this.encoder.release(done.result);
        this.finished(done, 0);
        return done;
      },
      () => undefined,
    );
    void Promise.all([primary.catch(() => undefined), mirror]).then(([a, b]) => {
      if (a && b) this.rollouts.recordShadow(modelName, a.labels.join('|') === b.labels.join('|'));
    });
  }

  private async execute(
    name: string,
    version: string | undefined,
    body: unknown,
    headerLength: string | undefined,
    receivedAt: number,
    use: AnswerUse,
    signal?: AbortSignal,
    forwarded?: boolean,
  ): Promise<Executed> {
    let model: ServedModel | undefined;
    let batchSize = 1;
    try {
      const decoded = await this.decoder.decode(name, version, body, headerLength);
      model = decoded.model;
      const { request } = decoded;
      batchSize = request.batchSize;
      const decodedAt = performance.now();
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
        ...(forwarded ? { forwarded } : {}),
      };
      // held until answered: an unload of this version waits for it (no await between here and submit)
      const release = this.models.acquire(model);
      const outcome = await this.scheduler.submit(job).finally(release);
      // answers are remembered for feedback (requests with an id) and compared in shadow mode
      let labels: string[] = [];
      if (use.remember && request.id !== undefined) labels = this.feedback.remember(request.id, model.name, model.version, outcome.outputs);
      else if (use.labels) labels = answerLabels(outcome.outputs);
      const result: InferResult = {
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
      return { model, result, outcome, batchSize, receivedAt, decodedAt, labels };
    } catch (err) {
      model ??= this.readyModel(name, version);
      if (model) {
        const status = err instanceof SwitchyardError ? err.status : 500;
        const totalNs = ns(performance.now() - receivedAt);
        this.events.emit('inference.finished', {
          model: model.name,
          version: model.version,
          outcome: 'error',
          status,
          batchSize,
          queueNs: 0,
          inputNs: 0,
          inferNs: 0,
          outputNs: 0,
          totalNs,
        });
      }
      throw err;
    }
  }

  private finished(done: Executed, encodeMs: number): void {
    const { model, outcome } = done;
    this.events.emit('inference.finished', {
      model: model.name,
      version: model.version,
      outcome: 'ok',
      batchSize: done.batchSize,
      executedBatchSize: outcome.executedBatchSize,
      queueNs: ns(outcome.timings.queueMs),
      inputNs: ns(done.decodedAt - done.receivedAt),
      inferNs: ns(outcome.timings.runMs),
      outputNs: ns(encodeMs),
      totalNs: ns(performance.now() - done.receivedAt),
    });
  }

  /** The version a failed request was for, when it exists and is ready (its failure counts against it). */
  private readyModel(name: string, version: string | undefined): ServedModel | undefined {
    try {
      const model = this.models.get(name, version);
      return model.state === 'READY' ? model : undefined;
    } catch {
      return undefined;
    }
  }
}

export interface InferOptions {
  /** The X-Switchyard-Session header: requests with the same value land on the same version during a rollout. */
  session?: string;
  /** Aborted when the client has gone (see clientGoneSignal). */
  signal?: AbortSignal;
  /** The request carried the hop header (another Switchyard forwarded it): never forwarded again. */
  forwarded?: boolean;
}

function ns(ms: number): number {
  return Math.round(ms * 1e6);
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
