import { DEFAULT_RETRY, isConnectionError, parseRetryAfter, RETRY_STATUSES, retryDelayMs, type RetryOptions, sleep } from './retry-policy';

/** Options of one call. */
export interface CallOptions {
  /** Cancels the call (and its retries). */
  signal?: AbortSignal;
  /** The whole call, retries included, must finish within this many ms (for infer, also parameters.timeout). */
  deadlineMs?: number;
  /** Overrides the client's retry options; false: one try. */
  retry?: Partial<RetryOptions> | false;
  headers?: Record<string, string>;
}

/** A refused call: the HTTP status, the server's {"error"} message, and Retry-After when it gave one. */
export class SwitchyardHttpError extends Error {
  override readonly name = 'SwitchyardHttpError';

  constructor(
    readonly status: number,
    message: string,
    readonly body: Buffer,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: Buffer;
}

export interface HttpRequest {
  method: string;
  path: string;
  /** Built per try: `remainingMs` is what is left of the deadline (infer turns it into parameters.timeout). */
  body?: (remainingMs: number | undefined) => { body: Buffer; headers: Record<string, string> };
  /** Whether a try may be repeated (a POST that creates something only with an idempotency key). */
  retryable: boolean;
  /** Statuses returned instead of thrown (e.g. 503 of a readiness probe). */
  accept?: number[];
}

/** fetch with deadlines, retries (429/503/connection errors, jittered backoff, Retry-After) and typed errors. */
export class HttpTransport {
  readonly baseUrl: string;

  constructor(
    url: string,
    private readonly retry: RetryOptions = DEFAULT_RETRY,
  ) {
    this.baseUrl = url.replace(/\/$/, '');
  }

  async send(request: HttpRequest, options: CallOptions = {}): Promise<HttpAnswer> {
    const retry = options.retry === false ? { ...this.retry, retries: 0 } : { ...this.retry, ...options.retry };
    const deadlineAt = options.deadlineMs !== undefined ? Date.now() + options.deadlineMs : undefined;
    const signals = [options.signal, options.deadlineMs !== undefined ? AbortSignal.timeout(options.deadlineMs) : undefined];
    const signal = AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined));
    for (let attempt = 0; ; attempt++) {
      const remaining = deadlineAt === undefined ? undefined : deadlineAt - Date.now();
      const encoded = request.body?.(remaining);
      let answer: HttpAnswer | undefined;
      let failure: unknown;
      try {
        const res = await fetch(`${this.baseUrl}${request.path}`, {
          method: request.method,
          headers: { ...encoded?.headers, ...options.headers },
          body: encoded?.body,
          signal,
        });
        answer = { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
      } catch (err) {
        if (signal.aborted) throw abortError(signal, request, options.deadlineMs);
        failure = err;
      }
      const retryAfterMs = answer ? parseRetryAfter(answer.headers.get('retry-after')) : undefined;
      const again =
        request.retryable && attempt < retry.retries && (answer ? RETRY_STATUSES.has(answer.status) : isConnectionError(failure));
      if (again) {
        const wait = retryDelayMs(attempt + 1, retry, retryAfterMs);
        if (deadlineAt === undefined || Date.now() + wait < deadlineAt) {
          await sleep(wait, signal).catch(() => {
            throw abortError(signal, request, options.deadlineMs);
          });
          continue;
        }
      }
      if (!answer) throw failure;
      if (answer.status < 400 || request.accept?.includes(answer.status)) return answer;
      throw new SwitchyardHttpError(
        answer.status,
        `${request.method} ${request.path}: ${answer.status} ${errorText(answer.body)}`,
        answer.body,
        retryAfterMs,
      );
    }
  }

  async json<T>(request: HttpRequest, options?: CallOptions): Promise<T> {
    const answer = await this.send(request, options);
    return JSON.parse(answer.body.toString('utf8')) as T;
  }
}

function errorText(body: Buffer): string {
  const text = body.toString('utf8');
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    if (typeof error === 'string') return error;
  } catch {
    // not JSON: show the text
  }
  return text.slice(0, 200);
}

function abortError(signal: AbortSignal, request: HttpRequest, deadlineMs: number | undefined): Error {
  const reason = signal.reason as Error | undefined;
  if (reason?.name === 'TimeoutError') {
    return Object.assign(new Error(`${request.method} ${request.path}: no answer within the deadline of ${deadlineMs} ms`), {
      name: 'TimeoutError',
    });
  }
  return reason ?? new Error('aborted');
}
