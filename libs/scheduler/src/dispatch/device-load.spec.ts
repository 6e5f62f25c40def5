import type { BatchEntry } from './batch-entry.interface';
import { deviceLoad, remainingRunMs, type RunningBatchLoad } from './device-load';
import { ModelBatchQueue } from './model-batch-queue';

const entry = (rows: number, enqueuedAt = 0): BatchEntry => ({ level: 5, enqueuedAt, signature: 's', rows });
const serviceMs = (model: string, rows: number) => (model === 'a' ? 2 * rows : 10);

const source = (running: RunningBatchLoad[], queues: ModelBatchQueue<BatchEntry>[]) => ({
  running,
  queues: new Map(queues.map((q) => [q.modelKey, q])),
  serviceMs,
  estimator: {},
});

describe(deviceLoad.name, () => {
  const queues = () => {
    const a = new ModelBatchQueue<BatchEntry>('a', { maxBatchSize: 4, maxQueueDelayMs: 0, preferredBatchSizes: [] });
    const b = new ModelBatchQueue<BatchEntry>('b', { maxBatchSize: 0, maxQueueDelayMs: 0, preferredBatchSizes: [] });
    [3, 3].forEach((r) => a.jobs.push(entry(r)));
    [1, 1].forEach((r) => b.jobs.push(entry(r)));
    return [a, b];
  };

  it('leaves the open batch of the model placed out of the backlog, and counts running work left', () => {
    const running = [{ startedAt: 0, predictedMs: 10 }];
    // a: 6 rows -> a full batch of 4 (8 ms) and an open one of 2 (4 ms); b: 2 jobs alone (20 ms); running: 6 ms left
    const forA = deviceLoad(source(running, queues()), 'a', 4, 1, 1);
    expect(forA).toEqual({ backlogMs: 6 + 8 + 20, openBatchRows: 2, workMs: 6 + 8 + 20, capacity: 1, inFlight: 1 });
    const forB = deviceLoad(source(running, queues()), 'b', 4, 2, 1);
    expect(forB.openBatchRows).toBe(0);
    expect(forB.backlogMs).toBeCloseTo((6 + 12 + 20) / 2, 9);
  });

  it('reports no backlog while a slot is free for the job', () => {
    const [a] = queues();
    const sut = deviceLoad(source([{ startedAt: 0, predictedMs: 5 }], [a]), 'a', 0, 4, 1);
    expect(sut.backlogMs).toBe(0);
    expect(sut.workMs).toBeGreaterThan(0);
  });

  it('counts a running batch as about to end past its prediction, then at its age once it stalls', () => {
    expect(remainingRunMs(5, 2)).toBe(3);
    expect(remainingRunMs(5, 9)).toBe(0);
    expect(remainingRunMs(5, 30)).toBe(30);
  });
});
