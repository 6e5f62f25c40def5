import type { SwitchyardConfig } from '@switchyard/config';
import type { QueueOptions } from 'bull';

/**
 * Bull options shared by the producing and the consuming queue. Locks are short (seconds, not
 * Bull's 30 s) so that a dead node's jobs are redelivered quickly: a job is taken over about
 * lockDuration + stalledInterval after its node stopped. Finished jobs are kept as long as the
 * results.
 */
export function bullQueueOptions(config: SwitchyardConfig): QueueOptions {
  const j = config.jobs;
  return {
    prefix: j.prefix,
    settings: {
      lockDuration: j.lockDurationMs,
      lockRenewTime: Math.max(250, Math.floor(j.lockDurationMs / 3)),
      stalledInterval: j.stalledIntervalMs,
      maxStalledCount: j.maxStalledCount,
      retryProcessDelay: 1000,
    },
    defaultJobOptions: {
      attempts: j.attempts,
      backoff: { type: 'exponential', delay: j.backoffMs },
      removeOnComplete: { age: j.resultTtlSeconds },
      removeOnFail: { age: j.resultTtlSeconds },
      stackTraceLimit: 20,
    },
  };
}
