import { randomUUID } from 'node:crypto';
import { type CallOptions, HttpTransport } from './http-transport';
import {
  encodeInferRequest,
  HEADER_LENGTH,
  type InferInput,
  type InferRequestOptions,
  type InferResult,
  splitInferResponse,
  toInferResult,
} from './infer-codec';
import { FINAL_JOB_STATES, type JobSubmission, type JobsAccepted, type JobView } from './jobs-types';
import { DEFAULT_RETRY, type RetryOptions, sleep } from './retry-policy';
import { type StreamClientOptions, SwitchyardStreamClient } from './switchyard-stream-client';
import type { Datatype } from './tensor-types';

export interface SwitchyardClientOptions {
  /** The server, e.g. http://127.0.0.1:8000. */
  url: string;
  /** Retries on 429, 503 and connection errors (jittered exponential backoff, Retry-After honoured). */
  retry?: Partial<RetryOptions>;
}

export interface TensorMetadata {
  name: string;
  datatype: Datatype;
  shape: number[];
}

export interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

export interface ServerMetadata {
  name: string;
  version: string;
  extensions: string[];
}

const seg = encodeURIComponent;

function modelPath(model: string, version?: string): string {
  return `/v2/models/${seg(model)}${version !== undefined ? `/versions/${seg(version)}` : ''}`;
}

/**
 * A typed client of Switchyard (and of any KServe v2 / Triton HTTP server for the /v2 part):
 * inference with JSON or binary tensors from typed arrays, metadata, health, the jobs API and
 * its resumable result stream. Calls retry on 429/503 and connection errors (jittered exponential
 * backoff, never sooner than Retry-After) and take a deadline (AbortSignal and, for inference,
 * parameters.timeout so that the server drops work that cannot finish in time).
 */
export class SwitchyardClient {
  readonly http: HttpTransport;

  constructor(private readonly options: SwitchyardClientOptions) {
    this.http = new HttpTransport(options.url, { ...DEFAULT_RETRY, ...options.retry });
  }

  get url(): string {
    return this.http.baseUrl;
  }

  /** GET /v2/health/live: true when the server answers 200. */
  async live(options?: CallOptions): Promise<boolean> {
    const answer = await this.http.send({ method: 'GET', path: '/v2/health/live', retryable: true, accept: [503] }, options);
    return answer.status === 200;
  }

  /** GET /v2/health/ready: true on 200, false on 503 (loading, quarantined or draining): not retried. */
  async ready(options?: CallOptions): Promise<boolean> {
    const answer = await this.http.send({ method: 'GET', path: '/v2/health/ready', retryable: false, accept: [503] }, options);
    return answer.status === 200;
  }

  serverMetadata(options?: CallOptions): Promise<ServerMetadata> {
    return this.http.json({ method: 'GET', path: '/v2', retryable: true }, options);
  }

  modelMetadata(model: string, version?: string, options?: CallOptions): Promise<ModelMetadata> {
    return this.http.json({ method: 'GET', path: modelPath(model, version), retryable: true }, options);
  }

  /** Triton's model configuration (max_batch_size, dims without the batch dim...). */
  modelConfig(model: string, version?: string, options?: CallOptions): Promise<Record<string, unknown>> {
    return this.http.json({ method: 'GET', path: `${modelPath(model, version)}/config`, retryable: true }, options);
  }

  /**
   * POST /v2/models/{m}[/versions/{v}]/infer. Typed-array inputs go as binary tensor data (unless
   * `binary: false`), outputs come back binary (unless `binaryOutputs: false`) and are returned as
   * typed arrays either way. With `deadlineMs`, each try carries parameters.timeout (µs) = what is
   * left of the deadline.
   */
  async infer(
    model: string,
    inputs: readonly InferInput[],
    options: InferRequestOptions & CallOptions & { version?: string } = {},
  ): Promise<InferResult> {
    const answer = await this.http.send(
      {
        method: 'POST',
        path: `${modelPath(model, options.version)}/infer`,
        retryable: true,
        body: (remainingMs) =>
          encodeInferRequest(inputs, {
            ...options,
            parameters: {
              ...options.parameters,
              ...(remainingMs !== undefined ? { timeout: Math.max(1, Math.floor(remainingMs * 1000)) } : {}),
            },
          }),
      },
      options,
    );
    const headerLength = answer.headers.get(HEADER_LENGTH);
    const { json, binary } = splitInferResponse(answer.body, headerLength === null ? undefined : Number(headerLength));
    return toInferResult(json, binary);
  }

  /**
   * POST /v1/jobs: one request ({model_name, inputs...}) or {requests: [...]}. An Idempotency-Key
   * is generated when none is given, so that a retried submission never enqueues twice.
   */
  async submitJobs(body: JobSubmission, options: CallOptions & { idempotencyKey?: string } = {}): Promise<JobsAccepted> {
    const key = options.idempotencyKey ?? (typeof body.idempotency_key === 'string' ? body.idempotency_key : randomUUID());
    const accepted = await this.http.json<{ job_ids: string[]; replayed: boolean }>(
      {
        method: 'POST',
        path: '/v1/jobs',
        retryable: true,
        body: () => ({ body: Buffer.from(JSON.stringify(body)), headers: { 'content-type': 'application/json', 'idempotency-key': key } }),
      },
      options,
    );
    return { jobIds: accepted.job_ids, replayed: accepted.replayed };
  }

  getJob(id: string, options?: CallOptions): Promise<JobView> {
    return this.http.json({ method: 'GET', path: `/v1/jobs/${seg(id)}`, retryable: true }, options);
  }

  /** DELETE /v1/jobs/{id}: cancels a job that has not started (409 once it has). */
  cancelJob(id: string, options?: CallOptions): Promise<JobView> {
    return this.http.json({ method: 'DELETE', path: `/v1/jobs/${seg(id)}`, retryable: true }, options);
  }

  /** Polls a job until it is completed, failed or cancelled (bounded by `deadlineMs` / `signal`). */
  async waitForJob(id: string, options: CallOptions & { pollMs?: number } = {}): Promise<JobView> {
    const signals = [options.signal, options.deadlineMs !== undefined ? AbortSignal.timeout(options.deadlineMs) : undefined];
    const signal = AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined));
    try {
      for (;;) {
        const view = await this.getJob(id, { ...options, deadlineMs: undefined, signal });
        if (FINAL_JOB_STATES.has(view.state)) return view;
        await sleep(options.pollMs ?? 100, signal);
      }
    } catch (err) {
      if ((signal.reason as Error | undefined)?.name !== 'TimeoutError') throw err;
      throw Object.assign(new Error(`job ${id} did not finish within ${options.deadlineMs} ms`), { name: 'TimeoutError' });
    }
  }

  /** waitForJob for each id, in parallel; the views in the order of `ids`. */
  waitForJobs(ids: readonly string[], options: CallOptions & { pollMs?: number } = {}): Promise<JobView[]> {
    return Promise.all(ids.map((id) => this.waitForJob(id, options)));
  }

  /** The result stream (WebSocket /v1/stream): not yet connected; call connect(). */
  stream(options: Omit<StreamClientOptions, 'url'> = {}): SwitchyardStreamClient {
    return new SwitchyardStreamClient({ url: this.options.url, ...options });
  }
}
