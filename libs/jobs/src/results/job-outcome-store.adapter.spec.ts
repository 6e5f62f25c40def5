import Bull, { type Queue } from 'bull';
import type { JobRecord } from '../interfaces/job-record.interface';
import { RedisServer } from '../testing/redis-server';
import { describeWithRedis } from '../../../../test/support/requirements';
import { JobOutcomeStore } from './job-outcome-store.adapter';
import { RedisResultStreams } from './redis-result-streams.adapter';
import type { StreamEntry } from '../interfaces/result-streams.interface';

const record = (jobId: string, node: string): JobRecord => ({
  jobId,
  state: 'completed',
  model: 'mlp_tiny',
  node,
  timings: { submittedAt: 1, startedAt: 2, finishedAt: 3 },
  result: { outputs: [] },
});

describeWithRedis(JobOutcomeStore.name, () => {
  const redis = new RedisServer();
  let queue: Queue;
  let sut: JobOutcomeStore;
  let streams: RedisResultStreams;

  beforeAll(async () => {
    await redis.start();
    queue = new Bull('store-spec', redis.url);
    sut = new JobOutcomeStore(queue.client, { prefix: 'spec', resultTtlSeconds: 60, streamMaxLength: 1000 });
    streams = new RedisResultStreams(queue.client, 'spec');
  }, 20_000);

  afterAll(async () => {
    await queue?.close();
    await redis.stop();
  });

  it('stores an outcome once however many nodes race to write it', async () => {
    const writers = Array.from({ length: 20 }, (_, i) => sut.store(record('job-race', `node-${i}`), 'stream-race'));
    const results = await Promise.all(writers);
    expect(results.filter((r) => r.stored)).toEqual([{ stored: true, seq: 1 }]);
    const kept = await sut.get('job-race');
    expect(kept?.node).toBe(`node-${results.findIndex((r) => r.stored)}`);
    expect(await redis.cli('XLEN', 'spec:jobs:stream:stream-race')).toBe('(integer) 1');
    expect(Number((await redis.cli('TTL', 'spec:jobs:result:job-race')).replace('(integer) ', ''))).toBeGreaterThan(50);
  });

  it('numbers the outcomes of a stream 1, 2, 3 in the order they are stored', async () => {
    const seqs = [];
    for (const id of ['a', 'b', 'c']) seqs.push((await sut.store(record(`seq-${id}`, 'n'), 'stream-seq')).seq);
    expect(seqs).toEqual([1, 2, 3]);
    expect(await streams.lastSeq('stream-seq')).toBe(3);
    expect(await sut.exists(['seq-a', 'seq-x', 'seq-c'])).toEqual([true, false, true]);
  });

  it('delivers a stream from after a given seq, then live entries, in order', async () => {
    for (const id of ['1', '2', '3']) await sut.store(record(`live-${id}`, 'n'), 'stream-live');
    const seen: StreamEntry[] = [];
    const follower = streams.follow(
      'stream-live',
      1,
      async (e) => void seen.push(e),
      () => undefined,
    );
    try {
      await sut.store(record('live-4', 'n'), 'stream-live');
      const until = Date.now() + 5000;
      while (seen.length < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(seen.map((e) => [e.seq, e.record.jobId])).toEqual([
        [2, 'live-2'],
        [3, 'live-3'],
        [4, 'live-4'],
      ]);
    } finally {
      await follower.close();
    }
  });
});
