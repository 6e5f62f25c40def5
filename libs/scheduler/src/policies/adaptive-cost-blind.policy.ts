import { createAdaptivePolicy } from './adaptive.policy';

/** The adaptive model, placement by finish time alone: device cost weights are ignored. */
export const adaptiveCostBlindPolicy = createAdaptivePolicy({ name: 'adaptive-cost-blind', costAware: false });
