import type { JobPayload } from '../interfaces/job-payload.interface';
import type { JobRecord } from '../interfaces/job-record.interface';
import type { JobStore } from '../interfaces/job-store.interface';
import type { ResultStreams, StreamEntry } from '../interfaces/result-streams.interface';

/** A store under test: fresh and empty for each case, closed after it. */
export interface StoreUnderTest {
  store: JobStore;
  streams: ResultStreams;
  close(): Promise<void>;
}

const payload = (over: Partial<JobPayload> = {}): JobPayload => ({
  model: 'mlp_tiny',
  request: { inputs: [] },
  submittedAt: 1_700_000_000_000,
  acceptedBy: 'node-a',
  ...over,
});
const record = (jobId: string, over: Partial<JobRecord> = {}): JobRecord => ({
  jobId,
  state: 'completed',
  model: 'mlp_tiny',
  node: 'node-a',
  attempt: 1,
  timings: { submittedAt: 1, startedAt: 2, finishedAt: 3 },
  result: { outputs: [{ name: 'y', data: [jobId.length] }] },
  ...over,
});

function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      const value = check();
      if (value !== undefined) return resolve(value);
      if (Date.now() > until) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(poll, 10);
    };
    poll();
  });
}

/**
 * The JobStore contract (interfaces/job-store.interface.ts) and the ResultStreams one, as one
 * table of behaviours that every store must pass: Bull on Redis and the embedded SQLite store
 * run the same cases (bullmq's adapter-conformance pattern).
 */
export function describeJobStoreConformance(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`JobStore conformance: ${name}`, () => {
    let sut: StoreUnderTest;

    beforeEach(async () => {
      sut = await open();
    });
    afterEach(() => sut?.close());

    it('adds jobs as waiting with their payload and priority, and skips ids that exist', async () => {
      await sut.store.add([{ id: 'j1', payload: payload(), priority: 3 }]);
      await sut.store.add([
        { id: 'j1', payload: payload({ model: 'other' }), priority: 9 },
        { id: 'j2', payload: payload({ deadlineAt: 5 }), priority: 1 },
      ]);
      expect(await sut.store.find('j1')).toMatchObject({ state: 'waiting', priority: 3, attemptsMade: 0, payload: payload() });
      expect(await sut.store.find('j2')).toMatchObject({ state: 'waiting', priority: 1, payload: { deadlineAt: 5 } });
      expect((await sut.store.find('j1'))!.maxAttempts).toBeGreaterThanOrEqual(1);
      expect(await sut.store.find('nope')).toBeUndefined();
    });

    it('removes a waiting job once; an unknown id is reported as such', async () => {
      await sut.store.add([{ id: 'c1', payload: payload(), priority: 5 }]);
      const removed = await sut.store.removeWaiting('c1');
      expect(removed).toMatchObject({ removed: true, job: { payload: payload() } });
      expect(await sut.store.find('c1')).toBeUndefined();
      expect(await sut.store.removeWaiting('c1')).toEqual({ removed: false });
    });

    it('claims an idempotency key once: later claims see the first fingerprint and job ids', async () => {
      expect(await sut.store.claimKey('k1', 'fp-a', ['a1', 'a2'])).toEqual({ first: true, fingerprint: 'fp-a', jobIds: ['a1', 'a2'] });
      expect(await sut.store.claimKey('k1', 'fp-a', ['b1', 'b2'])).toEqual({ first: false, fingerprint: 'fp-a', jobIds: ['a1', 'a2'] });
      expect(await sut.store.claimKey('k1', 'fp-b', ['c1'])).toEqual({ first: false, fingerprint: 'fp-a', jobIds: ['a1', 'a2'] });
      const racing = await Promise.all([sut.store.claimKey('k2', 'x', ['x1']), sut.store.claimKey('k2', 'y', ['y1'])]);
      expect(racing.filter((c) => c.first)).toHaveLength(1);
      const winner = racing.find((c) => c.first)!;
      expect(racing.every((c) => c.jobIds.join() === winner.jobIds.join())).toBe(true);
    });

    it("counts a tenant's unfinished jobs: not another tenant's, not removed ones, not those with an outcome", async () => {
      expect(await sut.store.countUnfinished('alice')).toBe(0);
      await sut.store.add([
        { id: 't1', payload: payload({ tenant: 'alice' }), priority: 5 },
        { id: 't2', payload: payload({ tenant: 'alice' }), priority: 5 },
        { id: 't3', payload: payload({ tenant: 'alice' }), priority: 5 },
        { id: 't4', payload: payload({ tenant: 'bob' }), priority: 5 },
        { id: 't5', payload: payload(), priority: 5 },
      ]);
      expect(await sut.store.countUnfinished('alice')).toBe(3);
      expect(await sut.store.countUnfinished('bob')).toBe(1);
      await sut.store.removeWaiting('t1');
      await sut.store.outcomes.store(record('t2', { tenant: 'alice' }), undefined);
      expect(await sut.store.countUnfinished('alice')).toBe(1);
      expect(await sut.store.countUnfinished('carol')).toBe(0);
    });

    it('stores an outcome once: a second writer is refused and the first record stands', async () => {
      expect(await sut.store.outcomes.store(record('o1'), undefined)).toEqual({ stored: true });
      expect(await sut.store.outcomes.store(record('o1', { node: 'node-b', state: 'failed' }), undefined)).toEqual({ stored: false });
      expect(await sut.store.outcomes.get('o1')).toEqual(record('o1'));
      expect(await sut.store.outcomes.get('o2')).toBeUndefined();
      expect(await sut.store.outcomes.exists(['o1', 'o2'])).toEqual([true, false]);
      expect(await sut.store.outcomes.exists([])).toEqual([]);
    });

    it('appends each stored outcome to its stream with the next seq, a refused one not at all', async () => {
      expect(await sut.streams.lastSeq('stream-1')).toBe(0);
      expect(await sut.store.outcomes.store(record('s1'), 'stream-1')).toEqual({ stored: true, seq: 1 });
      expect(await sut.store.outcomes.store(record('s1'), 'stream-1')).toEqual({ stored: false });
      expect(await sut.store.outcomes.store(record('s2'), 'stream-1')).toEqual({ stored: true, seq: 2 });
      expect(await sut.store.outcomes.store(record('t1'), 'stream-2')).toEqual({ stored: true, seq: 1 });
      expect(await sut.streams.lastSeq('stream-1')).toBe(2);
    });

    it('follows a stream from a position: the entries after it in order, then new ones as they come', async () => {
      for (const id of ['f1', 'f2', 'f3']) await sut.store.outcomes.store(record(id), 'follow-1');
      const seen: StreamEntry[] = [];
      const follower = sut.streams.follow(
        'follow-1',
        1,
        async (e) => void seen.push(e),
        () => undefined,
      );
      try {
        await waitFor('two entries', () => (seen.length >= 2 ? true : undefined));
        await sut.store.outcomes.store(record('f4'), 'follow-1');
        await sut.store.outcomes.store(record('other'), 'follow-2');
        await waitFor('the new entry', () => (seen.length >= 3 ? true : undefined));
        await new Promise((r) => setTimeout(r, 100));
      } finally {
        await follower.close();
      }
      expect(seen.map((e) => [e.seq, e.record.jobId])).toEqual([
        [2, 'f2'],
        [3, 'f3'],
        [4, 'f4'],
      ]);
      expect(seen[2].record).toEqual(record('f4'));
    });

    it('stops delivering once a follower is closed', async () => {
      const seen: StreamEntry[] = [];
      const follower = sut.streams.follow(
        'closing',
        0,
        async (e) => void seen.push(e),
        () => undefined,
      );
      await sut.store.outcomes.store(record('x1'), 'closing');
      await waitFor('the first entry', () => (seen.length >= 1 ? true : undefined));
      await follower.close();
      await sut.store.outcomes.store(record('x2'), 'closing');
      await new Promise((r) => setTimeout(r, 200));
      expect(seen.map((e) => e.record.jobId)).toEqual(['x1']);
    });
  });
}
