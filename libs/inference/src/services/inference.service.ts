import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { type Caller, ForbiddenError, ServingState, SwitchyardError, SwitchyardEvents } from '@switchyard/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { ModelRepositoryService, type ServedModel } from '@switchyard/models';
import { answerLabels, FeedbackService, RolloutService, type RouteDecision } from '@switchyard/rollouts';
import { type ClientGoneSignal, type InferenceJob, type JobOutcome, SchedulerService } from '@switchyard/scheduler';
import type { EncodedInferResponse } from '../codec/encode-infer-response';
import type { InferResult } from '../interfaces/infer-result.interface';
import { ceilPriority } from './ceil-priority';
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
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  /**
   * `body` is the raw Buffer (or an already parsed JSON object); `headerLength` the
   * Inference-Header-Content-Length header; `options.session` the X-Switchyard-Session header
   * (sticky rollout routing: a request that names no version goes where a rollout routes it);
   * `options.signal` aborts when the client has gone (its job is then dropped if still queued);
   * `options.caller` is the tenant (absent when auth is off): its model and device allow-lists
   * apply (a pinned device outside them: 403; placement only on allowed devices) and its priority
   * ceiling lowers the request's priority (said in the response parameters).
   * Counted by the drain until encoded.
   */
  infer(
    modelName: string,
    version: string | undefined,
    body: unknown,
    headerLength: string | undefined,
    options: InferOptions = {},
  ): Promise<ServedInferResponse> {
    return this.serving.whileServing(this.inferAndEncode(modelName, version, body, headerLength, options));
  }

  /**
   * Runs a request like infer() and returns its outcome unencoded, for callers that want values,
   * not HTTP bytes (the jobs consumer, gRPC). The caller owns the result's output buffers.
   */
  run(
    modelName: string,
    version: string | undefined,
    body: unknown,
    headerLength: string | undefined,
    options: InferOptions = {},
  ): Promise<InferResult> {
    return this.serving.whileServing(this.runUnencoded(modelName, version, body, headerLength, options));
  }

  private async inferAndEncode(
    modelName: string,
    version: string | undefined,
    body: unknown,
    headerLength: string | undefined,
    options: InferOptions,
  ): Promise<ServedInferResponse> {
    const done = await this.serve(modelName, version, body, headerLength, options);
    const encodeStart = performance.now();
    const encoded = await this.encoder.encode(done.result);
    this.finished(done, performance.now() - encodeStart);
    const served: ServedInferResponse = { body: encoded.body, contentType: encoded.contentType, served: done.result.served! };
    if (encoded.headerLength !== undefined) served.headerLength = encoded.headerLength;
    return served;
  }

  private async runUnencoded(
    modelName: string,
    version: string | undefined,
    body: unknown,
    headerLength: string | undefined,
    options: InferOptions,
  ): Promise<InferResult> {
    const done = await this.serve(modelName, version, body, headerLength, options);
    this.finished(done, 0);
    return done.result;
  }

  /** Routes (rollouts), mirrors to a shadow when one is set, and runs the primary. */
  private serve(
    modelName: string,
    version: string | undefined,
    body: unknown,
    headerLength: string | undefined,
    options: InferOptions,
  ): Promise<Executed> {
    const receivedAt = performance.now();
    const route = this.route(modelName, version, options.session);
    const use = route?.shadow ? { remember: true, labels: true } : ANSWER;
    const primary = this.execute(modelName, route?.version ?? version, body, headerLength, receivedAt, use, options);
    if (route?.shadow) this.shadow(modelName, route, primary, body, headerLength, options.caller);
    return primary;
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
    caller: Caller | undefined,
  ): void {
    const mirror = this.execute(
      modelName,
      route.shadow,
      body,
      headerLength,
      performance.now(),
      { remember: false, labels: true },
      caller ? { caller } : {},
    ).then(
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
    { signal, caller, forwarded }: InferOptions = {},
  ): Promise<Executed> {
    let model: ServedModel | undefined;
    let batchSize = 1;
    try {
      const decoded = await this.decoder.decode(name, version, body, headerLength);
      model = decoded.model;
      const { request } = decoded;
      batchSize = request.batchSize;
      const decodedAt = performance.now();
      const { device, timeoutMs, policy } = request.options;
      if (caller && !caller.mayUseModel(model.name))
        throw new ForbiddenError(`tenant "${caller.tenant}" may not use model "${model.name}"`);
      if (caller && device !== undefined && !caller.mayUseDevice(device)) {
        throw new ForbiddenError(`tenant "${caller.tenant}" may not run on device "${device}"`);
      }
      const { priority, clampedFrom } = ceilPriority(
        request.options.priority,
        caller?.maxPriority,
        this.config.scheduler.defaultPriorityLevel,
      );
      // A pinned `device` is checked by the scheduler (unknown: 404, model not loaded there: 400).
      // The optional fields are set one by one: a spread of `cond ? {...} : {}` inside a literal
      // takes V8's generic copy path, several microseconds per request on a slow core
      const job: InferenceJob = { id: request.id ?? randomUUID(), model, inputs: request.inputs, batchSize: request.batchSize, receivedAt };
      if (request.outputsRequested) job.outputNames = request.outputs.map((o) => o.name);
      if (priority !== undefined) job.priority = priority;
      if (timeoutMs !== undefined) job.timeoutMs = timeoutMs;
      if (policy !== undefined) job.policy = policy;
      if (device !== undefined) job.device = device;
      if (signal) job.signal = signal;
      if (caller) job.deviceFilter = caller.mayUseDevice;
      if (forwarded) job.forwarded = forwarded;
      // held until answered: an unload of this version waits for it (no await between here and submit)
      const release = this.models.acquire(model);
      const outcome = await this.scheduler.submit(job).finally(release);
      // answers are remembered for feedback (requests with an id) and compared in shadow mode
      let labels: string[] = [];
      if (use.remember && request.id !== undefined) labels = this.feedback.remember(request.id, model.name, model.version, outcome.outputs);
      else if (use.labels) labels = answerLabels(outcome.outputs);
      const result: InferResult = {
        head: responseHead(model, request.id, outcome, clampedFrom !== undefined ? { priority: priority!, clampedFrom } : undefined),
        outputs: outcome.outputs,
        requested: request.outputs,
        served: { model: model.name, version: model.version, device: outcome.decision.deviceId, modelDigest: `sha256:${model.sha256}` },
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

/** An encoded response and what served it (for the signature and the audit log). */
export interface ServedInferResponse extends EncodedInferResponse {
  served: NonNullable<InferResult['served']>;
}

export interface InferOptions {
  /** The X-Switchyard-Session header: requests with the same value land on the same version during a rollout. */
  session?: string;
  /** Aborted when the client has gone (see clientGoneSignal). */
  signal?: ClientGoneSignal;
  /** The tenant that asked (absent when auth is off). */
  caller?: Caller;
  /** The request carried the hop header (another Switchyard forwarded it): never forwarded again. */
  forwarded?: boolean;
}

function ns(ms: number): number {
  return Math.round(ms * 1e6);
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/**
 * The response's envelope: `id` when the request had one, `predicted_ms` when the policy
 * predicted, the retry and priority clamp when they happened, in the order the protocol lists them.
 *
 * @remarks Built from literals and plain assignments: spreads of `cond ? {...} : {}` inside a
 * literal take V8's generic copy path (a few microseconds per request on a slow core).
 */
function responseHead(
  model: ServedModel,
  id: string | undefined,
  outcome: JobOutcome,
  clamp: { priority: number; clampedFrom: number } | undefined,
): InferResult['head'] {
  const { decision, timings } = outcome;
  const parameters: InferResult['head']['parameters'] =
    decision.predictedMs !== undefined
      ? {
          device: decision.deviceId,
          policy: decision.policy,
          predicted_ms: round3(decision.predictedMs),
          batch_size: outcome.executedBatchSize,
          queue_ms: round3(timings.queueMs),
          compute_ms: round3(timings.runMs),
        }
      : {
          device: decision.deviceId,
          policy: decision.policy,
          batch_size: outcome.executedBatchSize,
          queue_ms: round3(timings.queueMs),
          compute_ms: round3(timings.runMs),
        };
  if (outcome.retriedFrom !== undefined) {
    parameters.attempts = outcome.attempts;
    parameters.retried_from = outcome.retriedFrom;
  }
  if (clamp) {
    parameters.priority = clamp.priority;
    parameters.priority_clamped_from = clamp.clampedFrom;
  }
  return id !== undefined
    ? { model_name: model.name, model_version: model.version, id, parameters }
    : { model_name: model.name, model_version: model.version, parameters };
}
