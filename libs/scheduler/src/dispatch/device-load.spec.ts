import { seededRandom } from '@switchyard/common';
import type { BatchEntry } from './batch-entry.interface';
import { deviceLoad, remainingRunMs, type DeviceLoadSource, type RunningBatchLoad } from './device-load';
import { ModelBatchQueue } from './model-batch-queue';
import { QueuesRevision } from './queues-revision';

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
    // neither queue served yet: a comes first in the rotation, so a job of a waits for a's full batch
    // and b's first job (its second is overtaken); a job of b for both of b's and both of a's batches
    const forA = deviceLoad(source(running, queues()), 'a', 4, 1, 1);
    expect(forA).toEqual({ backlogMs: 6 + 8 + 10, openBatchRows: 2, overtakenBatches: 1, workMs: 6 + 8 + 20, capacity: 1, inFlight: 1 });
    const forB = deviceLoad(source(running, queues()), 'b', 4, 2, 1);
    expect(forB.openBatchRows).toBe(0);
    expect(forB.overtakenBatches).toBe(0);
    expect(forB.backlogMs).toBeCloseTo((6 + 12 + 20) / 2, 9);
  });

  it('reports no backlog while a slot is free for the job', () => {
    const [a] = queues();
    const sut = deviceLoad(source([{ startedAt: 0, predictedMs: 5 }], [a]), 'a', 0, 4, 1);
    expect(sut.backlogMs).toBe(0);
    expect(sut.workMs).toBeGreaterThan(0);
  });

  describe('with models taking turns (pickReadyQueue)', () => {
    // small: 3 ms a job; large: 170 ms a job; neither batches. Two slots, both busy: 50 ms left in all.
    const turnMs = (model: string) => (model === 'small' ? 3 : 170);
    const noBatching = { maxBatchSize: 0, maxQueueDelayMs: 0, preferredBatchSizes: [] };
    const host = (small: number, large: number, served: { small: number; large: number }, largeLevel = 5) => {
      const s = new ModelBatchQueue<BatchEntry>('small', noBatching);
      const l = new ModelBatchQueue<BatchEntry>('large', noBatching);
      for (let i = 0; i < small; i++) s.jobs.push(entry(1));
      for (let i = 0; i < large; i++) l.jobs.push({ ...entry(1), level: largeLevel });
      s.lastServed = served.small;
      l.lastServed = served.large;
      const running = [
        { startedAt: 0, predictedMs: 30 },
        { startedAt: 0, predictedMs: 20 },
      ];
      return { running, queues: new Map([s, l].map((q) => [q.modelKey, q])), serviceMs: (m: string) => turnMs(m), estimator: {} };
    };

    it('makes a small job behind ten large jobs of another model wait one round, not all ten', () => {
      // large was served less recently, so it takes one turn first: (running 50 + one large 170) / 2 slots
      const sut = deviceLoad(host(0, 10, { small: 9, large: 8 }), 'small', 0, 2, 2);
      expect(sut.backlogMs).toBe(110);
      expect(sut.overtakenBatches).toBe(9);
      // Retry-After still reads all the work: (50 + 10 x 170) / 2
      expect(sut.workMs).toBe(875);
    });

    it('lets a small job go first when its model was served less recently', () => {
      const sut = deviceLoad(host(0, 10, { small: 8, large: 9 }), 'small', 0, 2, 2);
      expect(sut.backlogMs).toBe(25);
      expect(sut.overtakenBatches).toBe(10);
    });

    it("makes a job behind its own model's jobs wait as many rounds, each with a turn of the other model", () => {
      // 3 small ahead, so 4 large turns first (large was served less recently): (50 + 3 x 3 + 4 x 170) / 2
      const small = deviceLoad(host(3, 10, { small: 9, large: 8 }), 'small', 0, 2, 2);
      expect(small.backlogMs).toBe(369.5);
      expect(small.overtakenBatches).toBe(6);
      // a large job behind ten large ones: all three small jobs take their turns first: (50 + 1700 + 9) / 2
      const large = deviceLoad(host(3, 10, { small: 9, large: 8 }), 'large', 0, 2, 2);
      expect(large.backlogMs).toBe(879.5);
      expect(large.overtakenBatches).toBe(0);
    });

    it('runs every batch of a queue at a better priority level first, and none at a worse one', () => {
      // large at level 1, small at 5: (50 + 2 x 3 + 10 x 170) / 2, nothing overtaken
      expect(deviceLoad(host(2, 10, { small: 9, large: 8 }, 1), 'small', 0, 2, 2)).toMatchObject({ backlogMs: 878, overtakenBatches: 0 });
      // large at level 9: (50 + 2 x 3) / 2, and passing a worse level is not overtaking
      expect(deviceLoad(host(2, 10, { small: 9, large: 8 }, 9), 'small', 0, 2, 2)).toMatchObject({ backlogMs: 28, overtakenBatches: 0 });
    });

    it("judges the other queues by the job's own level when it is given, even with its model's queue empty", () => {
      // large at level 1, the small job at 5 with no small job queued: every large batch first, (50 + 10 x 170) / 2
      expect(deviceLoad(host(0, 10, { small: 9, large: 8 }, 1), 'small', 0, 2, 2, 5)).toMatchObject({
        backlogMs: 875,
        overtakenBatches: 0,
      });
      // the same queues, the level left out: the empty queue takes turns with large (one turn: (50 + 170) / 2)
      expect(deviceLoad(host(0, 10, { small: 9, large: 8 }, 1), 'small', 0, 2, 2)).toMatchObject({ backlogMs: 110, overtakenBatches: 9 });
      // a small job at level 1 ahead of its own model's two jobs at level 5, large at 5 (served more
      // recently): nothing of its queue before it, large's jobs take turns after it: (50) / 2
      expect(deviceLoad(host(2, 10, { small: 8, large: 9 }), 'small', 0, 2, 2, 1)).toMatchObject({ backlogMs: 25, overtakenBatches: 0 });
    });

    it("lets a queue never served take its turn first when the job's model has no queue yet (it would be made last)", () => {
      const withoutSmall = host(0, 10, { small: -1, large: -1 });
      withoutSmall.queues.delete('small');
      // large comes first in the rotation: (running 50 + one large 170) / 2 slots, as with an empty queue of small made after it
      expect(deviceLoad(withoutSmall, 'small', 0, 2, 2)).toMatchObject({ backlogMs: 110, overtakenBatches: 9 });
      withoutSmall.queues.set('small', new ModelBatchQueue<BatchEntry>('small', noBatching));
      expect(deviceLoad(withoutSmall, 'small', 0, 2, 2)).toMatchObject({ backlogMs: 110, overtakenBatches: 9 });
    });

    it('leaves the open batch of a batching model out and counts its full batches as turns', () => {
      const s = new ModelBatchQueue<BatchEntry>('a', { maxBatchSize: 4, maxQueueDelayMs: 0, preferredBatchSizes: [] });
      [4, 4, 2].forEach((r) => s.jobs.push(entry(r)));
      const l = new ModelBatchQueue<BatchEntry>('b', noBatching);
      for (let i = 0; i < 5; i++) l.jobs.push(entry(1));
      s.lastServed = 3;
      l.lastServed = 4;
      // a: full batches of 4 rows (8 ms each) x 2, open batch of 2 rows; b (10 ms a job) was served
      // more recently, so one b job per full batch of a: 6 + 2 x 8 + 2 x 10, one slot
      const sut = deviceLoad(source([{ startedAt: 0, predictedMs: 10 }], [s, l]), 'a', 4, 1, 1);
      expect(sut).toMatchObject({ backlogMs: 42, openBatchRows: 2, overtakenBatches: 3 });
    });
  });

  it('counts a running batch as about to end past its prediction, then at its age once it stalls', () => {
    expect(remainingRunMs(5, 2)).toBe(3);
    expect(remainingRunMs(5, 9)).toBe(0);
    expect(remainingRunMs(5, 30)).toBe(30);
  });

  describe('with the queued part kept between calls (DeviceLoadSource.revision)', () => {
    const batching = (max: number) => ({ maxBatchSize: max, maxQueueDelayMs: 0, preferredBatchSizes: [] });
    const world = () => {
      const revision = new QueuesRevision();
      const queues = new Map<string, ModelBatchQueue<BatchEntry>>();
      const estimator = { version: 0 };
      let scale = 1;
      const serviceMs = (model: string, rows: number) => scale * (model === 'b' ? 10 : (model.charCodeAt(0) - 96) * rows);
      const running = [{ startedAt: 0, predictedMs: 7 }];
      const cached: DeviceLoadSource<BatchEntry> = { running, queues, serviceMs, estimator, revision };
      const addQueue = (key: string, max: number) => queues.set(key, new ModelBatchQueue<BatchEntry>(key, batching(max), revision));
      const changeEstimates = () => {
        scale *= 1.5;
        estimator.version++;
      };
      // the same queues read afresh: no revision, no estimator version (queuedWork() recomputes too)
      const fresh = (): DeviceLoadSource<BatchEntry> => ({ running, queues, serviceMs, estimator: {} });
      return { cached, fresh, queues, addQueue, changeEstimates };
    };

    it('answers as a fresh computation after every kind of change to the queues and estimates', () => {
      const random = seededRandom(42);
      const w = world();
      w.addQueue('a', 4);
      w.addQueue('b', 0);
      let served = 0;
      let checked = 0;
      for (let step = 0; step < 600; step++) {
        const keys = [...w.queues.keys()];
        const q = w.queues.get(keys[Math.floor(random() * keys.length)])!;
        const op = random();
        if (op < 0.4)
          q.jobs.push({ level: 1 + 2 * Math.floor(random() * 3), enqueuedAt: step, signature: 's', rows: 1 + Math.floor(random() * 3) });
        else if (op < 0.55) {
          const queued = [...q.jobs.entries()];
          if (queued.length > 0) q.jobs.remove(queued[Math.floor(random() * queued.length)]);
        } else if (op < 0.7) {
          q.take();
          q.lastServed = served++;
        } else if (op < 0.8)
          q.lastServed = served++; // served without a change of its jobs
        else if (op < 0.9) w.changeEstimates();
        else if (op < 0.92 && !w.queues.has('c'))
          w.addQueue('c', 2); // made empty, filled later
        else if (op < 0.95) q.jobs.clear();
        // one level per model, another now and then: the cache keeps one level per model, so most calls find it
        for (const [key, level] of [
          ['a', 3],
          ['b', undefined],
          ['c', 1],
          ['d', step % 50 === 0 ? 3 : 5],
        ] as const) {
          const now = step * 0.01;
          expect(deviceLoad(w.cached, key, now, 2, 2, level)).toEqual(deviceLoad(w.fresh(), key, now, 2, 2, level));
          checked++;
        }
      }
      expect(checked).toBe(600 * 4);
    });

    it('does not walk the queues again until something changes', () => {
      const w = world();
      w.addQueue('a', 4);
      w.addQueue('b', 0);
      w.queues.get('a')!.jobs.push(entry(3));
      w.queues.get('b')!.jobs.push(entry(1));
      let walked = 0;
      const values = w.queues.values.bind(w.queues);
      w.queues.values = () => {
        walked++;
        return values();
      };
      const walks = () => walked;
      const first = deviceLoad(w.cached, 'a', 1, 1, 1, 5);
      expect(walks()).toBe(1);
      // the clock moves: the running work is read again, the queues are not
      expect(deviceLoad(w.cached, 'a', 3, 1, 1, 5).backlogMs).toBe(first.backlogMs - 2);
      expect(walks()).toBe(1);
      w.changeEstimates();
      deviceLoad(w.cached, 'a', 3, 1, 1, 5);
      expect(walks()).toBe(2);
      w.queues.get('b')!.jobs.push(entry(1));
      deviceLoad(w.cached, 'a', 3, 1, 1, 5);
      expect(walks()).toBe(3);
      deviceLoad(w.cached, 'a', 3, 1, 1, 3); // another level
      expect(walks()).toBe(4);
    });
  });
});
