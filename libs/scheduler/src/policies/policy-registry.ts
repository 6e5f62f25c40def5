import type { SchedulingPolicy } from '../interfaces/scheduling-policy.interface';
import { DuplicatePolicyError } from './errors/duplicate-policy.error';
import { UnknownPolicyError } from './errors/unknown-policy.error';
import type { PolicyFactory } from './policy-factory.interface';

/**
 * Policies by name, built once from the registered factories. Construction fails on a duplicate
 * name (or a factory whose policy is named differently); `assertConfigured` fails start-up on a
 * configured name that is not registered.
 */
export class PolicyRegistry {
  private readonly policies = new Map<string, SchedulingPolicy>();

  constructor(factories: readonly PolicyFactory[]) {
    for (const factory of factories) {
      if (this.policies.has(factory.name)) {
        throw new DuplicatePolicyError(`scheduling policy "${factory.name}" is registered more than once`);
      }
      const policy = factory.create();
      if (policy.name !== factory.name) {
        throw new DuplicatePolicyError(`scheduling policy factory "${factory.name}" created a policy named "${policy.name}"`);
      }
      this.policies.set(factory.name, policy);
    }
  }

  names(): string[] {
    return [...this.policies.keys()];
  }

  has(name: string): boolean {
    return this.policies.has(name);
  }

  /** The policy of that name; UnknownPolicyError (400) naming the known ones otherwise. */
  get(name: string): SchedulingPolicy {
    const policy = this.policies.get(name);
    if (policy === undefined) {
      throw new UnknownPolicyError(`unknown scheduling policy "${name}"; known: ${this.names().join(', ')}`);
    }
    return policy;
  }

  /** Start-up check: every configured name must be registered (exactly once, by construction). */
  assertConfigured(names: readonly string[]): void {
    for (const name of names) this.get(name);
  }
}
