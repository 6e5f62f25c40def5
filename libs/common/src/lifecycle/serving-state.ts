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
  private abandoned = false;
  /** Rejects (503) the admitted requests still waiting. */
  private readonly waiting = new Set<() => void>();
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

  /** Answers every admitted request still waiting (see whileServing) with 503, and any admitted later at once. */
  abandonWaiting(): void {
    this.abandoned = true;
    for (const fail of [...this.waiting]) fail();
  }

  /**
   * Runs one admitted request: counted until it settles, and answered 503 as soon as the drain
   * abandons the requests still waiting (the work itself goes on; its result is dropped).
   *
   * @remarks One promise per request and no listener on a shared signal: the drain reaches the
   * waiting requests through a set of their reject functions.
   */
  whileServing<T>(work: Promise<T>): Promise<T> {
    this.active++;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        this.waiting.delete(fail);
        this.active--;
        return true;
      };
      const fail = (): void => {
        if (settle())
          reject(new UnavailableError('the server is shutting down and stopped waiting for this request', { retryAfterSeconds: 1 }));
      };
      if (this.abandoned) return fail();
      this.waiting.add(fail);
      work.then(
        (value) => {
          if (settle()) resolve(value);
        },
        (err: unknown) => {
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          if (settle()) reject(err);
        },
      );
    });
  }
}
