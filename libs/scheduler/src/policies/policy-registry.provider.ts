import type { FactoryProvider, ValueProvider } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { DEFAULT_POLICY_FACTORIES } from './default-policy-factories';
import { SCHEDULING_POLICIES, type PolicyFactory } from './policy-factory.interface';
import { PolicyRegistry } from './policy-registry';

/** Registers the shipped policies under SCHEDULING_POLICIES. */
export const schedulingPoliciesProvider: ValueProvider<readonly PolicyFactory[]> = {
  provide: SCHEDULING_POLICIES,
  useValue: DEFAULT_POLICY_FACTORIES,
};

/** Builds the PolicyRegistry and fails start-up when the configured default policy is unknown. */
export const policyRegistryProvider: FactoryProvider<PolicyRegistry> = {
  provide: PolicyRegistry,
  inject: [SCHEDULING_POLICIES, SWITCHYARD_CONFIG],
  useFactory: (factories: readonly PolicyFactory[], config: SwitchyardConfig) => {
    const registry = new PolicyRegistry(factories);
    registry.assertConfigured([config.scheduler.policy]);
    return registry;
  },
};
