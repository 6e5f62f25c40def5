import { predictFinishMs } from '../framework/finish-time';
import type { SchedulingPolicy } from '../interfaces/scheduling-policy.interface';

/**
 * Cycles through the devices by decision number: the device at `sequence mod n` scores best, the
 * next ones after it less, so a filtered device hands its turn to the following one.
 */
export const roundRobinPolicy = {
  name: 'round-robin',
  score(ctx, _device, index) {
    const n = ctx.devices.length;
    return -((index - (ctx.sequence % n) + n) % n);
  },
  predictMs: predictFinishMs,
} satisfies SchedulingPolicy;
