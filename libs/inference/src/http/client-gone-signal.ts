import type { FastifyReply } from 'fastify';

/**
 * A signal aborted when the client's connection closes before its response was written (the
 * client gave up or died), so that its queued job is dropped instead of run.
 *
 * @remarks The response's 'close' is the one to watch: the request's own 'close' fires as soon as
 * its body has been read, whether the client is still there or not.
 */
export function clientGoneSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const response = reply.raw;
  if (response.destroyed && !response.writableFinished) controller.abort();
  else
    response.once('close', () => {
      if (!response.writableFinished) controller.abort();
    });
  return controller.signal;
}
