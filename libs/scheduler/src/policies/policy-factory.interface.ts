import type { SchedulingPolicy } from '../interfaces/scheduling-policy.interface';

/**
 * How a policy is registered: a name and a factory (bullmq's backoff strategies). The created
 * policy must carry the same name; policies are stateless, so the registry creates each once.
 */
export interface PolicyFactory {
  readonly name: string;
  create(): SchedulingPolicy;
}

/** DI token of the registered `readonly PolicyFactory[]`. */
export const SCHEDULING_POLICIES = Symbol('SCHEDULING_POLICIES');
