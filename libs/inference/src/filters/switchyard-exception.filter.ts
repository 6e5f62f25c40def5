import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { SwitchyardError } from '@switchyard/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorContext, toErrorResponse } from './error-response';

/**
 * The one place where errors become HTTP responses: {"error": message} with the mapped status,
 * Retry-After on 429/503 when the error says when to retry. Server faults (5xx) are logged with
 * their stack; client errors at debug level.
 */
@Catch()
export class SwitchyardExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(SwitchyardExceptionFilter.name);

  private readonly debug: boolean;

  constructor(private readonly ctx: ErrorContext & { logLevel?: string }) {
    this.debug = ctx.logLevel === 'debug' || ctx.logLevel === 'verbose';
  }

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.send(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }

  /** Answers `request` with `error` (for the routes registered on Fastify directly, which no Nest filter sees). */
  send(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const { status, message, retryAfterSeconds, challenge } = toErrorResponse(error, this.ctx);
    const where = `${request?.method} ${request?.url} [${request?.id}]`;
    if (!(error instanceof SwitchyardError) && !(error instanceof HttpException)) {
      this.logger.error(`${where}: ${(error as Error)?.stack ?? String(error)}`);
    } else if (status === 500) {
      this.logger.warn(`${where}: ${message}`);
    } else if (this.debug) {
      this.logger.debug(`${where}: ${status} ${message}`);
    }
    if (reply.sent) return;
    if (challenge !== undefined) reply.header('www-authenticate', challenge);
    if (retryAfterSeconds !== undefined) reply.header('retry-after', String(Math.max(0, Math.ceil(retryAfterSeconds))));
    // Exactly "application/json", which Fastify leaves alone only on a Buffer: KServe's client
    // reads "error" only from that type.
    reply
      .status(status)
      .header('content-type', 'application/json')
      .send(Buffer.from(JSON.stringify({ error: message })));
  }
}
