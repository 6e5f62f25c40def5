import { InferenceFailedError } from '@switchyard/common';

/** The worker (thread or child process) running a task died; the task's result is lost. */
export class WorkerDiedError extends InferenceFailedError {
  constructor(deviceId: string, cause: unknown) {
    super(`the worker of ${deviceId} died while running this job (${(cause as Error)?.message ?? cause}); it has been replaced`, { cause });
  }
}
