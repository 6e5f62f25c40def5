/** When and how long to wait before trying a call again. */
export interface RetryOptions {
  /** Retries after the first try (0: none). @defaultValue 4 */
  retries: number;
  /** First backoff ceiling, doubled each retry. @defaultValue 50 */
  baseDelayMs: number;
  /** Largest backoff ceiling. @defaultValue 2000 */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { retries: 4, baseDelayMs: 50, maxDelayMs: 2000 };

/** Answers worth asking again: the server said "later" (Retry-After tells when). */
export const RETRY_STATUSES = new Set([429, 503]);

/** Network failures worth a retry (the request may not have reached the server, or it went away). */
const RETRY_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error) || err.name === 'AbortError' || err.name === 'TimeoutError') return false;
  const code = (err as { code?: string; cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
  return code !== undefined ? RETRY_CODES.has(code) : err instanceof TypeError && err.message === 'fetch failed';
}

/**
 * The wait before retry `attempt` (1-based): "full jitter" exponential backoff, uniform in
 * [0, min(max, base * 2^(attempt-1))], so that clients refused together do not return together;
 * never shorter than the server's Retry-After.
 */
export function retryDelayMs(attempt: number, options: RetryOptions, retryAfterMs?: number, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  const backoff = random() * ceiling;
  return retryAfterMs === undefined ? backoff : retryAfterMs + backoff / 4;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
