/**
 * Base of every error Switchyard maps to an HTTP status. Subclasses set `name` and `status`;
 * the global exception filter turns them into {"error": message} once, in one place.
 */
export abstract class SwitchyardError extends Error {
  abstract readonly status: number;
  /** Seconds, sent as Retry-After on 429/503 when set. */
  readonly retryAfterSeconds?: number;

  constructor(message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    if (options?.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
