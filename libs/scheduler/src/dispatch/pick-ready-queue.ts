import type { BatchEntry } from './batch-entry.interface';
import type { ModelBatchQueue } from './model-batch-queue';

/** pickReadyQueue()'s answer. */
export interface ReadyPick<T extends BatchEntry> {
  /** The queue whose batch goes to the next free slot; undefined when none is ready now. */
  best?: ModelBatchQueue<T>;
  /** Earliest time a queue not ready now becomes ready (to wake up then). */
  nextReadyAt?: number;
}

/**
 * Which model's batch a free slot takes, shared by the dispatcher and the simulator: among the
 * queues whose batch is ready (ModelBatchQueue.readyAt), the one whose head has the best priority
 * level, ties to the queue served least recently (fairness across models).
 */
export function pickReadyQueue<T extends BatchEntry>(
  queues: Iterable<ModelBatchQueue<T>>,
  now: number,
  serviceMs: (modelKey: string, rows: number) => number,
): ReadyPick<T> {
  let best: ModelBatchQueue<T> | undefined;
  let bestLevel = Infinity;
  let nextReadyAt: number | undefined;
  for (const q of queues) {
    const at = q.readyAt((rows) => serviceMs(q.modelKey, rows));
    if (at === undefined) continue;
    if (at > now) {
      nextReadyAt = Math.min(nextReadyAt ?? Infinity, at);
      continue;
    }
    const level = q.jobs.peek()!.level;
    if (!best || level < bestLevel || (level === bestLevel && q.lastServed < best.lastServed)) {
      best = q;
      bestLevel = level;
    }
  }
  return { best, nextReadyAt };
}
