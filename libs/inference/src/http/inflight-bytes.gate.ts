import { OverloadedError, PayloadTooLargeError } from '@switchyard/common';

/** Seconds a refused client is told to wait: bodies in flight are answered within about that. */
const RETRY_AFTER_SECONDS = 1;

/**
 * Counts the request body bytes the server holds (from admission until the response is sent)
 * and refuses what would pass the limit, so that a burst of big bodies is turned away instead of
 * exhausting memory. A limit of 0 admits everything.
 */
export class InflightBytesGate {
  private held = 0;

  constructor(private readonly limitBytes: number) {}

  /** Reserves `bytes` or throws: 429 with Retry-After while others hold the room, 413 when it can never fit. */
  admit(bytes: number): void {
    if (this.limitBytes === 0 || bytes === 0) return;
    if (bytes > this.limitBytes) {
      throw new PayloadTooLargeError(`a request body of ${bytes} bytes is larger than SWITCHYARD_MAX_INFLIGHT_BYTES (${this.limitBytes})`);
    }
    if (this.held + bytes > this.limitBytes) {
      throw new OverloadedError(
        `request bodies in flight hold ${this.held} bytes; ${bytes} more would pass SWITCHYARD_MAX_INFLIGHT_BYTES (${this.limitBytes}): retry later`,
        { retryAfterSeconds: RETRY_AFTER_SECONDS },
      );
    }
    this.held += bytes;
  }

  release(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
  }

  get bytesInFlight(): number {
    return this.held;
  }
}
