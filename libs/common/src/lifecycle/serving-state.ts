import { Injectable } from '@nestjs/common';
import { UnavailableError } from '../errors/http-errors';

/**
 * Where the server stands in its life: `serving`; `draining` (shutdown began: readiness says 503
 * so that load balancers stop sending, requests are still taken); `refusing` (new inference
 * requests get 503 with Retry-After, admitted ones still finish). The DrainService moves it
 * forward; the HTTP entry points and the readiness probe read it.
 *
 * @remarks It also counts the requests admitted and not yet answered, and answers them all with
 * 503 when the drain gives up waiting (the exit timeout passed).
 */
@Injectable()
export class ServingState {
  private current: 'serving' | 'draining' | 'refusing' = 'serving';
  private readonly abandon = new AbortController();
  private active = 0;

  get phase(): 'serving' | 'draining' | 'refusing' {
    return this.current;
  }

  /** False from the start of a drain on (GET /v2/health/ready answers 503). */
  get ready(): boolean {
    return this.current === 'serving';
  }

  /** Requests admitted and not answered yet. */
  get inFlight(): number {
    return this.active;
  }

  startDraining(): void {
    if (this.current === 'serving') this.current = 'draining';
  }

  refuseNew(): void {
    this.current = 'refusing';
  }

  /** Throws the 503 a new request gets once the server refuses new work. */
  assertAccepting(): void {
    if (this.current === 'refusing') {
      throw new UnavailableError('the server is shutting down: send the request to another replica', { retryAfterSeconds: 1 });
    }
  }

  /** Answers every admitted request still waiting (see whileServing) with 503. */
  abandonWaiting(): void {
    this.abandon.abort();
  }

  /**
   * Runs one admitted request: counted until it settles, and answered 503 as soon as the drain
   * abandons the requests still waiting (the work itself goes on; its result is dropped).
   */
  async whileServing<T>(work: Promise<T>): Promise<T> {
    this.active++;
    let stop: (() => void) | undefined;
    const abandoned = new Promise<never>((_, reject) => {
      const fail = () =>
        reject(new UnavailableError('the server is shutting down and stopped waiting for this request', { retryAfterSeconds: 1 }));
      if (this.abandon.signal.aborted) return fail();
      this.abandon.signal.addEventListener('abort', fail, { once: true });
      stop = () => this.abandon.signal.removeEventListener('abort', fail);
    });
    try {
      return await Promise.race([work, abandoned]);
    } finally {
      stop?.();
      this.active--;
    }
  }
}
