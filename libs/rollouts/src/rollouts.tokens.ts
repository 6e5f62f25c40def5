/** DI token of the RolloutStore: the file of one node, or Redis shared by every node. */
export const ROLLOUT_STORE = Symbol('ROLLOUT_STORE');
