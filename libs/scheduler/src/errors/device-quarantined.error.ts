import { UnavailableError } from '@switchyard/common';

/** The device is quarantined (its circuit is open): a job pinned to it gets 503; others go elsewhere. */
export class DeviceQuarantinedError extends UnavailableError {
  constructor(
    readonly deviceId: string,
    reason: string,
  ) {
    super(`device ${deviceId} is quarantined (${reason}); it gets no work until a probe run re-admits it`, { retryAfterSeconds: 5 });
  }
}
