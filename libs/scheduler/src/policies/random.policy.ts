import { predictFinishMs } from '../framework/finish-time';
import type { SchedulingPolicy } from '../interfaces/scheduling-policy.interface';

/**
 * Uniformly random among the devices that can run the job: every device scores the same, and the
 * framework's tie-spreading draws one with `ctx.random` (one draw per decision).
 */
export const randomPolicy = {
  name: 'random',
  score: () => 0,
  predictMs: predictFinishMs,
} satisfies SchedulingPolicy;
