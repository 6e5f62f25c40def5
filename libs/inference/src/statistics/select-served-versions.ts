import type { ModelRepositoryService, ServedModel } from '@switchyard/models';

/**
 * The versions a statistics request covers: every served one (no name), every served version of
 * one model (404 when none is), or one version (404 when not served).
 */
export function selectServedVersions(models: ModelRepositoryService, name?: string, version?: string): ServedModel[] {
  if (!name) return models.list();
  if (version) return [models.get(name, version)];
  const served = models.get(name);
  return models.list().filter((m) => m.name === served.name);
}
