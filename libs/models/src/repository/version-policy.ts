import type { ModelConfig } from '../interfaces/model-config.interface';

/** The versions a model serves under its config's version_policy (Triton's default: latest 1). */
export function servedVersions(available: string[], policy: ModelConfig['version_policy']): string[] {
  const sorted = [...available].sort((a, b) => Number(a) - Number(b));
  if (policy && 'all' in policy) return sorted;
  if (policy && 'specific' in policy) {
    const wanted = new Set(policy.specific.versions.map(String));
    return sorted.filter((v) => wanted.has(v));
  }
  const latest = policy && 'latest' in policy ? (policy.latest?.num_versions ?? 1) : 1;
  return sorted.slice(-Math.max(1, latest));
}
