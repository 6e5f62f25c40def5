import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { SwitchyardError } from '@switchyard/common';

/**
 * The one mapping from Switchyard's typed errors (by their HTTP status, see libs/common errors)
 * to gRPC status codes, as Triton's gRPC endpoint answers them.
 */
export const GRPC_STATUS_BY_HTTP_STATUS: Readonly<Record<number, GrpcStatus>> = {
  400: GrpcStatus.INVALID_ARGUMENT,
  401: GrpcStatus.UNAUTHENTICATED,
  403: GrpcStatus.PERMISSION_DENIED,
  404: GrpcStatus.NOT_FOUND,
  409: GrpcStatus.ALREADY_EXISTS,
  413: GrpcStatus.RESOURCE_EXHAUSTED,
  429: GrpcStatus.RESOURCE_EXHAUSTED,
  499: GrpcStatus.CANCELLED,
  500: GrpcStatus.INTERNAL,
  501: GrpcStatus.UNIMPLEMENTED,
  503: GrpcStatus.UNAVAILABLE,
  504: GrpcStatus.DEADLINE_EXCEEDED,
};

/** What a failed call sends: the code, the error's message, and retry-after (seconds) in the trailers on 429/503. */
export function toGrpcError(error: unknown): Partial<ServiceError> & { code: GrpcStatus } {
  if (!(error instanceof SwitchyardError)) return { code: GrpcStatus.INTERNAL, details: 'internal server error' };
  const code = GRPC_STATUS_BY_HTTP_STATUS[error.status] ?? (error.status < 500 ? GrpcStatus.FAILED_PRECONDITION : GrpcStatus.INTERNAL);
  const metadata = new Metadata();
  if (error.retryAfterSeconds !== undefined && (error.status === 429 || error.status === 503)) {
    metadata.set('retry-after', String(Math.max(0, Math.ceil(error.retryAfterSeconds))));
  }
  return { code, details: error.message, metadata };
}
