import { SwitchyardError } from '@switchyard/common';

/**
 * Whether a failed attempt is worth another: transient failures are (a worker crash or a lost
 * device: InferenceFailedError/WorkerDiedError 500; no device or model ready on this node 503;
 * full queues 429; anything unexpected), bad input is not (400, 404, 413, other 4xx), nor a
 * deadline that has passed (504).
 */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof SwitchyardError)) return true;
  if (error.status === 429) return true;
  if (error.status === 504) return false;
  return error.status >= 500;
}

/**
 * The error Bull stores for an attempt: name and message only (Bull keeps each attempt's stack
 * in the job hash; the full stack is logged where it happened).
 */
export function attemptError(error: unknown): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const slim = new Error(source.message);
  slim.name = source.name;
  slim.stack = `${source.name}: ${source.message}`;
  return slim;
}
