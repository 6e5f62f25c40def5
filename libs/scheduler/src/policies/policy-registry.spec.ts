import { InvalidRequestError } from '@switchyard/common';
import { Test } from '@nestjs/testing';
import { SWITCHYARD_CONFIG, loadConfig } from '@switchyard/config';
import { DEFAULT_POLICY_FACTORIES } from './default-policy-factories';
import { DuplicatePolicyError } from './errors/duplicate-policy.error';
import { UnknownPolicyError } from './errors/unknown-policy.error';
import { PolicyRegistry } from './policy-registry';
import { policyRegistryProvider, schedulingPoliciesProvider } from './policy-registry.provider';
import { roundRobinPolicy } from './round-robin.policy';

describe(PolicyRegistry.name, () => {
  it('registers every shipped policy once', () => {
    const sut = new PolicyRegistry(DEFAULT_POLICY_FACTORIES);
    expect(sut.names().sort()).toEqual(
      ['adaptive', 'adaptive-cost-blind', 'fastest-device', 'least-loaded', 'random', 'round-robin'].sort(),
    );
    expect(sut.get('round-robin')).toBe(roundRobinPolicy);
  });

  it('fails on a duplicate name, naming it', () => {
    const factories = [...DEFAULT_POLICY_FACTORIES, { name: 'random', create: () => roundRobinPolicy }];
    expect(() => new PolicyRegistry(factories)).toThrow(DuplicatePolicyError);
    expect(() => new PolicyRegistry(factories)).toThrow('scheduling policy "random" is registered more than once');
  });

  it('fails on a factory whose policy carries another name', () => {
    expect(() => new PolicyRegistry([{ name: 'rr', create: () => roundRobinPolicy }])).toThrow(
      'scheduling policy factory "rr" created a policy named "round-robin"',
    );
  });

  it('refuses an unknown name with a 400 that lists the known ones', () => {
    const sut = new PolicyRegistry(DEFAULT_POLICY_FACTORIES);
    expect(() => sut.get('fastest')).toThrow(UnknownPolicyError);
    expect(() => sut.get('fastest')).toThrow(InvalidRequestError);
    expect(() => sut.assertConfigured(['adaptive', 'fastest'])).toThrow(/unknown scheduling policy "fastest"; known: .*fastest-device/);
    expect(() => sut.assertConfigured(['adaptive', 'least-loaded'])).not.toThrow();
  });

  describe('Nest providers', () => {
    const compile = (policy: string) =>
      Test.createTestingModule({
        providers: [
          schedulingPoliciesProvider,
          policyRegistryProvider,
          { provide: SWITCHYARD_CONFIG, useValue: loadConfig({ SWITCHYARD_SCHEDULER_POLICY: policy }) },
        ],
      }).compile();

    it('builds the registry under its class token', async () => {
      const app = await compile('least-loaded');
      expect(app.get(PolicyRegistry).has('adaptive')).toBe(true);
    });

    it('fails start-up when the configured policy does not exist', async () => {
      await expect(compile('no-such-policy')).rejects.toThrow('unknown scheduling policy "no-such-policy"');
    });
  });
});
