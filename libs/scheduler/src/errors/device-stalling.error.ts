import { UnavailableError } from '@switchyard/common';

/**
 * A queued job handed back because its device stalls (its running batch is far past its
 * prediction): the scheduler places it again, where the stall now counts. Never reaches a client
 * unless the job cannot be placed anywhere else.
 */
export class DeviceStallingError extends UnavailableError {
  constructor(
    readonly deviceId: string,
    stalledMs: number,
  ) {
    super(`device ${deviceId} stalls (a run has taken ${stalledMs} ms); queued work moved elsewhere`, { retryAfterSeconds: 1 });
  }
}
