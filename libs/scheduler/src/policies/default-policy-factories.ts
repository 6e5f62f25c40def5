import { adaptiveCostBlindPolicy } from './adaptive-cost-blind.policy';
import { adaptivePolicy } from './adaptive.policy';
import { fastestDevicePolicy } from './fastest-device.policy';
import { leastLoadedPolicy } from './least-loaded.policy';
import type { PolicyFactory } from './policy-factory.interface';
import { randomPolicy } from './random.policy';
import { roundRobinPolicy } from './round-robin.policy';

/** Every policy Switchyard ships, by name. */
export const DEFAULT_POLICY_FACTORIES: readonly PolicyFactory[] = [
  { name: 'adaptive', create: () => adaptivePolicy },
  { name: 'adaptive-cost-blind', create: () => adaptiveCostBlindPolicy },
  { name: 'round-robin', create: () => roundRobinPolicy },
  { name: 'random', create: () => randomPolicy },
  { name: 'least-loaded', create: () => leastLoadedPolicy },
  { name: 'fastest-device', create: () => fastestDevicePolicy },
] satisfies PolicyFactory[];
