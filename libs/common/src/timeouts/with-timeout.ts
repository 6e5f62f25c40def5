/**
 * Settles as `promise` does, or rejects with `timeoutError()` after `ms`; an outcome of
 * `promise` after that is ignored (a rejection too: it is not left unhandled).
 */
export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  timeoutError: () => Error = () => new Error(`no answer within ${ms} ms`),
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(timeoutError()), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      // the promise's own rejection, passed on unchanged
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      (e: unknown) => (clearTimeout(timer), reject(e)),
    );
  });
}
