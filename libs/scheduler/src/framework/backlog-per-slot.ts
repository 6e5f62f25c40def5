/**
 * The slots a device runs batches in, as load accounting counts them: its capacity, at least 1 (a
 * pool that reports none still runs one batch at a time).
 */
export function slotsOf(capacity: number): number {
  return capacity > 1 ? capacity : 1;
}

/**
 * `DeviceSnapshot.backlogMs` from a device's state: predicted ms until one of its slots is free
 * for a new batch.
 *
 * @param workMs predicted remaining ms of the running batches plus the predicted ms of the queued
 *   batches dispatched before the job's (deviceLoad() says which: turn-taking across models), never
 *   the open batch of the model being placed.
 * @param busySlots batches running now.
 * @param waitingBatches queued batches dispatched before the job's (those of `workMs`).
 * @param capacity slots of the device (parallel session runs).
 * @returns 0 while a slot is free for the job, otherwise the work spread over the slots (list
 *   scheduling's average, which is what a slot frees after on a busy device).
 */
export function backlogPerSlotMs(workMs: number, busySlots: number, waitingBatches: number, capacity: number): number {
  const slots = slotsOf(capacity);
  if (busySlots + waitingBatches < slots) return 0;
  return workMs > 0 ? workMs / slots : 0;
}
