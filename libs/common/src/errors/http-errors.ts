import { SwitchyardError } from './switchyard.error';

/** The request is malformed or does not match the model (400). */
export class InvalidRequestError extends SwitchyardError {
  readonly status = 400;
}

/** Unknown model, version or job (404). */
export class NotFoundError extends SwitchyardError {
  readonly status = 404;
}

/** Body larger than the configured limit (413). */
export class PayloadTooLargeError extends SwitchyardError {
  readonly status = 413;
}

/** Admission refused: queues are full or no device can meet the deadline (429). */
export class OverloadedError extends SwitchyardError {
  readonly status = 429;
}

/** A model or device exists but is not ready, or no device can serve it (503). */
export class UnavailableError extends SwitchyardError {
  readonly status = 503;
}

/**
 * The client closed its connection before the answer (nginx's 499): its queued job is dropped,
 * not run. No response is written; the status shows in logs and job records only.
 */
export class ClientClosedRequestError extends SwitchyardError {
  readonly status = 499;
}

/** A job waited past its timeout in a queue and was dropped before dispatch (504). */
export class DeadlineExceededError extends SwitchyardError {
  readonly status = 504;
}

/** The worker running a job died or the runtime failed (500). */
export class InferenceFailedError extends SwitchyardError {
  readonly status = 500;
}

/** No API key, or one that no tenant holds (401, with a WWW-Authenticate challenge). */
export class UnauthorizedError extends SwitchyardError {
  readonly status = 401;
  /** Sent as WWW-Authenticate (RFC 6750's Bearer scheme; X-API-Key works too). */
  readonly challenge = 'Bearer realm="switchyard"';
}

/** The caller is known but may not use this route, model or device (403). */
export class ForbiddenError extends SwitchyardError {
  readonly status = 403;
}
