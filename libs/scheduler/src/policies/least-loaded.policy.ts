import { slotsOf } from '../framework/backlog-per-slot';
import { predictFinishMs } from '../framework/finish-time';
import type { SchedulingPolicy } from '../interfaces/scheduling-policy.interface';

/** Join the shortest queue: fewest jobs queued and running per slot. Knows nothing of speed. */
export const leastLoadedPolicy = {
  name: 'least-loaded',
  score(_ctx, device) {
    return -(device.queuedJobs + device.inFlight) / slotsOf(device.capacity);
  },
  predictMs: predictFinishMs,
} satisfies SchedulingPolicy;
