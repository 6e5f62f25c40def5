import { SwitchyardError } from '@switchyard/common';

/** The job is not in a state that allows the operation, or an idempotency key was reused (409). */
export class JobConflictError extends SwitchyardError {
  readonly status = 409;
}
