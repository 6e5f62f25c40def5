import { InferenceFailedError, InvalidRequestError, PayloadTooLargeError, type SwitchyardError } from '@switchyard/common';
import type { CodecFailure } from './codec-worker-protocol';

const BY_STATUS: Record<number, new (message: string) => SwitchyardError> = {
  400: InvalidRequestError,
  413: PayloadTooLargeError,
};

/** The typed error a codec worker reported, as its class again (unknown statuses become 500s). */
export function codecError({ failure }: CodecFailure): SwitchyardError {
  return new (BY_STATUS[failure.status] ?? InferenceFailedError)(failure.message);
}
