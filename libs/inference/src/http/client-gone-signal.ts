import type { ClientGoneSignal } from '@switchyard/scheduler';
import type { FastifyReply } from 'fastify';

/**
 * A signal aborted when the client's connection closes before its response was written (the
 * client gave up or died), so that its queued job is dropped instead of run.
 *
 * @remarks The response's 'close' is the one to watch: the request's own 'close' fires as soon as
 * its body has been read, whether the client is still there or not. It reads the response instead
 * of holding an AbortController: nothing is created per request, and a listener is added only when
 * the dispatcher asks (a job that waits in a queue).
 */
export function clientGoneSignal(reply: FastifyReply): ClientGoneSignal {
  return new ResponseGoneSignal(reply.raw);
}

class ResponseGoneSignal implements ClientGoneSignal {
  constructor(private readonly response: FastifyReply['raw']) {}

  /** Closed (destroyed) before its response was fully written. */
  get aborted(): boolean {
    return this.response.destroyed && !this.response.writableFinished;
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    const response = this.response;
    if (response.destroyed) return; // closed already: an aborted signal calls no new listener
    response.once('close', () => {
      if (!response.writableFinished) listener();
    });
  }
}
