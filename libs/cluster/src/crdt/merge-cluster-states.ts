import type { ClusterState, NodeLearning } from '../interfaces/node-learning.interface';

/**
 * The winner of two entries of the same node: the higher version; at equal versions (never
 * produced by one well-behaved node, but a restarted node could) the greater canonical text, so
 * that every replica picks the same one.
 */
export function newerEntry(a: NodeLearning, b: NodeLearning): NodeLearning {
  if (a.version !== b.version) return a.version > b.version ? a : b;
  if (a === b) return a;
  return JSON.stringify(a) >= JSON.stringify(b) ? a : b;
}

/**
 * Join of two cluster states: per node id, the newer entry (a map of last-writer-wins registers,
 * each written by one node only). Commutative, associative and idempotent, so replicas that
 * exchange states in any order, any number of times, converge. Neither input is modified.
 */
export function mergeClusterStates(a: ClusterState, b: ClusterState): ClusterState {
  const nodes: Record<string, NodeLearning> = { ...a.nodes };
  for (const [id, entry] of Object.entries(b.nodes)) {
    const mine = nodes[id];
    nodes[id] = mine === undefined ? entry : newerEntry(mine, entry);
  }
  return { nodes: sortedById(nodes) };
}

/** The state with this node's own entry replaced (when newer) by `entry`. */
export function withEntry(state: ClusterState, entry: NodeLearning): ClusterState {
  return mergeClusterStates(state, { nodes: { [entry.nodeId]: entry } });
}

function sortedById(nodes: Record<string, NodeLearning>): Record<string, NodeLearning> {
  const out: Record<string, NodeLearning> = {};
  for (const id of Object.keys(nodes).sort()) out[id] = nodes[id];
  return out;
}
