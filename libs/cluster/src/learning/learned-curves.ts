import type { EstimatorSnapshot } from '@switchyard/scheduler';
import type { LearnedCurve } from '../interfaces/node-learning.interface';

/** What the node serves, to label and match curves: model key -> sha256, device id -> kind. */
export interface LocalCatalogue {
  models: ReadonlyMap<string, string>;
  devices: ReadonlyMap<string, string>;
}

/** The node's own measured curves as shared entries (pairs of a model or device it no longer has are left out). */
export function learnedCurves(snapshot: EstimatorSnapshot, local: LocalCatalogue): LearnedCurve[] {
  const out: LearnedCurve[] = [];
  for (const c of snapshot.curves) {
    const sha = local.models.get(c.modelKey);
    const kind = local.devices.get(c.deviceId);
    if (sha === undefined || kind === undefined || c.points.length === 0) continue;
    out.push({ model: c.modelKey, modelSha256: sha, deviceId: c.deviceId, deviceKind: kind, points: c.points.map((p) => ({ ...p })) });
  }
  return out.sort((a, b) => a.model.localeCompare(b.model) || a.deviceId.localeCompare(b.deviceId));
}
