import type { ClusterState, LearnedPoint } from '../interfaces/node-learning.interface';
import type { LocalCatalogue } from './learned-curves';

/** A prior for one (model, device) pair of this node, from the peer that measured it most. */
export interface PeerPrior {
  modelKey: string;
  deviceId: string;
  points: LearnedPoint[];
  from: string;
}

/**
 * Priors for this node's pairs from the merged view: curves of other nodes with the same
 * hardware fingerprint, for a model of the same sha256 and a device of the same id (equal
 * hardware gives equal device ids). Among several peers, the curve with the most samples wins
 * (then the greater node id, so every node picks the same).
 */
export function priorsFromPeers(state: ClusterState, self: { nodeId: string; hardware: string }, local: LocalCatalogue): PeerPrior[] {
  const keysBySha = new Map<string, string[]>();
  for (const [key, sha] of local.models) keysBySha.set(sha, [...(keysBySha.get(sha) ?? []), key]);
  const best = new Map<string, { prior: PeerPrior; samples: number }>();
  for (const node of Object.values(state.nodes)) {
    if (node.nodeId === self.nodeId || node.hardware !== self.hardware) continue;
    for (const curve of node.curves) {
      if (!local.devices.has(curve.deviceId)) continue;
      const samples = curve.points.reduce((n, p) => n + p.samples, 0);
      for (const modelKey of keysBySha.get(curve.modelSha256) ?? []) {
        const key = `${modelKey}\u0000${curve.deviceId}`;
        const known = best.get(key);
        if (known && (known.samples > samples || (known.samples === samples && known.prior.from > node.nodeId))) continue;
        best.set(key, { prior: { modelKey, deviceId: curve.deviceId, points: curve.points, from: node.nodeId }, samples });
      }
    }
  }
  return [...best.values()].map((b) => b.prior);
}
