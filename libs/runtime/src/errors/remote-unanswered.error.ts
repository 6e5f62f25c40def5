import { UnavailableError } from '@switchyard/common';

/** A remote tier did not answer (refused, reset, timed out): worth asking again later, unlike a model it does not serve. */
export class RemoteUnansweredError extends UnavailableError {
  constructor(deviceId: string, url: string, why: string) {
    super(`${deviceId} (${url}) did not answer: ${why}`);
  }
}
