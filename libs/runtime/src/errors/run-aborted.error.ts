import { InferenceFailedError } from '@switchyard/common';

/** A run its caller declared hung (past its bound); what ran it is being recycled. */
export class RunAbortedError extends InferenceFailedError {
  constructor(deviceId: string, reason: unknown) {
    super(
      `the run on ${deviceId} was abandoned as hung (${reason instanceof Error ? reason.message : String(reason)}); its worker is being recycled`,
    );
  }
}
