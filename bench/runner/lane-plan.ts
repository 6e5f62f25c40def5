import type { Scenario } from '../scenario/scenario.interface';
import type { LaneSpec } from '../targets/real-target.interface';

/**
 * The lanes of a real run, in order: the raw device pools (direct), each device alone through
 * the scheduler (single-device), then the policies.
 */
export function planLanes(scenario: Scenario, target: 'inproc' | 'http' | 'direct', deviceIds: readonly string[]): LaneSpec[] {
  const lanes: LaneSpec[] = [];
  const direct = target === 'direct' || (target === 'inproc' && scenario.baselines.includes('direct'));
  if (direct) for (const id of deviceIds) lanes.push({ lane: `direct:${id}`, kind: 'direct', subject: id });
  if (target === 'direct') return lanes;
  if (scenario.baselines.includes('single-device'))
    for (const id of deviceIds) lanes.push({ lane: `only:${id}`, kind: 'single-device', subject: id });
  for (const policy of scenario.policies) lanes.push({ lane: policy, kind: 'policy', subject: policy });
  return lanes;
}
