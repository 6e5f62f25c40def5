import { InferenceFailedError } from '@switchyard/common';

/**
 * A session run reported an error (not a crash, not a hang). It may be the device's fault or the
 * input's: `alone` says whether the job ran by itself, so that a success on another device
 * proves the device at fault (a merged batch fails for any one bad input).
 */
export class RunFailedError extends InferenceFailedError {
  constructor(
    readonly deviceId: string,
    readonly alone: boolean,
    message: string,
    cause: unknown,
  ) {
    super(message, { cause });
  }
}
