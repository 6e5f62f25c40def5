import { HttpException } from '@nestjs/common';
import { SwitchyardError, UnauthorizedError } from '@switchyard/common';

/** What the client gets for an error: a status, {"error": message}, and maybe Retry-After. */
export interface ErrorResponse {
  status: number;
  message: string;
  retryAfterSeconds?: number;
  /** WWW-Authenticate challenge of a 401. */
  challenge?: string;
}

/** Fastify's own errors (body parsing, limits) reworded for a client; others keep their message. */
const FASTIFY_MESSAGES: Record<string, (ctx: ErrorContext) => string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: (ctx) => `request body is larger than the limit of ${ctx.bodyLimitBytes} bytes`,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => 'unsupported or malformed Content-Type',
  FST_ERR_CTP_INVALID_JSON_BODY: () => 'malformed JSON body',
  FST_ERR_CTP_EMPTY_JSON_BODY: () => 'empty JSON body',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => 'Content-Length does not match the body',
};

export interface ErrorContext {
  bodyLimitBytes: number;
}

/**
 * Maps anything thrown while serving a request to the response the client gets: SwitchyardError
 * subclasses by their status, Nest HttpExceptions and Fastify errors (which Nest wraps, keeping
 * the original as `cause`) by theirs, anything else to a 500 that hides internals.
 */
export function toErrorResponse(error: unknown, ctx: ErrorContext): ErrorResponse {
  if (error instanceof SwitchyardError) {
    const retry = error.status === 429 || error.status === 503 ? error.retryAfterSeconds : undefined;
    return {
      status: error.status,
      message: error.message,
      ...(retry !== undefined ? { retryAfterSeconds: retry } : {}),
      ...(error instanceof UnauthorizedError ? { challenge: error.challenge } : {}),
    };
  }
  if (error instanceof HttpException) {
    const cause = fastifyCode(error.cause) ? (error.cause as { code: string; message: string }) : undefined;
    return { status: error.getStatus(), message: cause ? fastifyMessage(cause, ctx) : httpExceptionMessage(error) };
  }
  const code = fastifyCode(error);
  if (code && isClientStatus((error as { statusCode: unknown }).statusCode)) {
    return {
      status: (error as { statusCode: number }).statusCode,
      message: fastifyMessage(error as { code: string; message: string }, ctx),
    };
  }
  return { status: 500, message: 'internal server error' };
}

function fastifyCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('FST_') ? code : undefined;
}

function fastifyMessage(error: { code?: string; message: string }, ctx: ErrorContext): string {
  const reword = FASTIFY_MESSAGES[error.code ?? ''];
  return reword ? reword(ctx) : error.message;
}

function isClientStatus(status: unknown): status is number {
  return typeof status === 'number' && status >= 400 && status < 500;
}

function httpExceptionMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : error.message;
}
