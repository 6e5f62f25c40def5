import type { RolloutMeasurements, SampleBatch, VersionSamples } from './rollout-samples.interface';
import type { RolloutState } from './rollout-state.interface';

/**
 * Where rollouts live: their states (spec, status, weight, steps) and the measurements the
 * analysis reads. The file store serves one node (SWITCHYARD_DATA_DIR/rollouts.json); the Redis
 * store (SWITCHYARD_REDIS_URL) is shared by every node, so they route by the same state and one
 * node at a time takes each decision.
 *
 * @remarks Every state carries a `revision`: a write names the revision it read and is refused
 * when another writer came first (compare-and-set). Decisions are taken under the model's lock
 * (`withLock`), one holder across all nodes.
 */
export interface RolloutStore {
  /** Whether other nodes share this store (they then resynchronise from it). */
  readonly shared: boolean;
  /** Where the store is, for log lines. */
  readonly location: string;
  /** Every stored rollout (one per model). */
  list(): Promise<RolloutState[]>;
  get(model: string): Promise<RolloutState | undefined>;
  /**
   * Stores `state` when the stored rollout of its model has revision `expected` (0: none stored),
   * and tells the other nodes; false when another writer came first.
   */
  compareAndSet(state: RolloutState, expected: number): Promise<boolean>;
  /**
   * Runs `fn` holding the model's lock (one holder across nodes, released when `fn` settles);
   * waits at most `waitMs` for it and resolves undefined when it stays taken.
   */
  withLock<T>(model: string, waitMs: number, fn: () => Promise<T>): Promise<T | undefined>;
  /** Calls `listener` with the model of each rollout another node changes; returns the unsubscribe. */
  watch(listener: (model: string) => void): () => void;
  /** Adds a node's measurements of rollout `id` to the current window, the totals and the tallies. */
  addSamples(id: string, batch: SampleBatch): Promise<void>;
  /** Takes (reads and empties) the current analysis window of `versions` of rollout `id`. */
  takeWindow(id: string, versions: readonly string[]): Promise<Record<string, VersionSamples>>;
  /** Puts a taken window back (an analysis that waits for more samples keeps growing it). */
  restoreWindow(id: string, window: Record<string, VersionSamples>): Promise<void>;
  /** The figures of rollout `id` since its start. */
  measurements(id: string, versions: readonly string[]): Promise<RolloutMeasurements>;
  close(): Promise<void>;
}
