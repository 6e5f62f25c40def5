import { InferenceFailedError, InvalidRequestError, NotFoundError, SwitchyardEvents, UnavailableError } from '@switchyard/common';
import { loadConfig } from '@switchyard/config';
import { WorkerDiedError } from '@switchyard/runtime';
import Bull, { type Job, type Queue } from 'bull';
import type { JobPayload } from '../interfaces/job-payload.interface';
import type { JobRecord } from '../interfaces/job-record.interface';
import type { InferResponseJson, JobRunner } from '../interfaces/job-runner.interface';
import { JobOutcomeStore } from '../results/job-outcome-store.adapter';
import { RedisServer } from '../testing/redis-server';
import { describeWithRedis } from '../../../../test/support/requirements';
import { bullQueueOptions } from './bull-queue-options';
import { recordFinalFailure } from './failure-recorder';
import { JobProcessor } from './job-processor';
import { RemoteTierWaitService } from './remote-tier-wait.service';

/**
 * Fault injection at the JobRunner seam: a worker crash or a lost device cannot be produced on
 * demand on this host, so this runner throws the runtime's own errors on chosen attempts. Bull,
 * Redis and the outcome store are real (the e2e specs run real inference and kill real workers).
 */
class ScriptedRunner implements JobRunner {
  calls = 0;
  readonly callTimes: number[] = [];

  constructor(
    private readonly failures: (attempt: number) => Error | undefined = () => undefined,
    private readonly delayMs = 0,
  ) {}

  /** As the inference runner: a job whose request pins a remote:<name> device is routed to it. */
  remoteTier(payload: JobPayload): string | undefined {
    const device = (payload.request.parameters as { device?: string } | undefined)?.device;
    return device?.startsWith('remote:') ? device : undefined;
  }

  async run(payload: JobPayload): Promise<InferResponseJson> {
    const attempt = ++this.calls;
    this.callTimes.push(Date.now());
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const failure = this.failures(attempt);
    if (failure) throw failure;
    return {
      model_name: payload.model,
      model_version: '1',
      parameters: { device: 'cpu:0' },
      outputs: [{ name: 'y', datatype: 'FP32', shape: [1], data: [attempt] }],
    };
  }
}

describeWithRedis(JobProcessor.name, () => {
  const redis = new RedisServer();
  let queue: Queue<JobPayload>;
  let outcomes: JobOutcomeStore;
  let spec = 0;

  beforeAll(() => redis.start(), 20_000);
  afterAll(() => redis.stop());
  afterEach(() => queue?.close());

  /** A queue on its own prefix with the service's Bull options (3 attempts, 30 ms backoff). */
  function setUp(runner: JobRunner): JobProcessor {
    const prefix = `proc${++spec}`;
    const config = loadConfig({}, { REDIS_URL: redis.url, JOBS_PREFIX: prefix, JOBS_ATTEMPTS: 3, JOBS_BACKOFF_MS: 30 });
    queue = new Bull<JobPayload>('infer', redis.url, bullQueueOptions(config));
    outcomes = new JobOutcomeStore(queue.client, { prefix, resultTtlSeconds: 60, streamMaxLength: 100 });
    const sut = new JobProcessor(runner, outcomes, 'node-1');
    queue.on('failed', (job: Job<JobPayload>) => void recordFinalFailure(job, 'node-1', outcomes));
    void queue.process(1, (job: Job<JobPayload>) => sut.process(job));
    return sut;
  }

  const payload = (over: Partial<JobPayload> = {}): JobPayload => ({
    model: 'm',
    request: { inputs: [] },
    submittedAt: Date.now(),
    acceptedBy: 'node-0',
    ...over,
  });

  async function outcome(jobId: string): Promise<JobRecord> {
    const until = Date.now() + 10_000;
    for (;;) {
      const record = await outcomes.get(jobId);
      if (record) return record;
      if (Date.now() > until) throw new Error(`no outcome for ${jobId}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('stores the outcome with the node, device and attempt that produced it', async () => {
    setUp(new ScriptedRunner());
    await queue.add(payload({ streamId: 'stream-1' }), { jobId: 'ok-1' });
    const record = await outcome('ok-1');
    expect(record).toMatchObject({ jobId: 'ok-1', state: 'completed', node: 'node-1', device: 'cpu:0', attempt: 1, version: '1' });
    expect(record.result).toMatchObject({ outputs: [{ name: 'y', data: [1] }] });
    expect(await redis.cli('XLEN', `proc${spec}:jobs:stream:stream-1`)).toBe('(integer) 1');
  });

  it('retries transient failures with exponential backoff and completes', async () => {
    const runner = new ScriptedRunner((n) => (n <= 2 ? new WorkerDiedError('cpu:0', new Error(`crash ${n}`)) : undefined));
    setUp(runner);
    await queue.add(payload(), { jobId: 'flaky-1' });
    const record = await outcome('flaky-1');
    expect(record).toMatchObject({ state: 'completed', attempt: 3 });
    const [t1, t2, t3] = runner.callTimes;
    expect(t2 - t1).toBeGreaterThanOrEqual(30);
    expect(t3 - t2).toBeGreaterThanOrEqual(60);
    const job = (await queue.getJob('flaky-1'))!;
    expect(job.stacktrace.map((s) => s.split(':')[0])).toEqual(['WorkerDiedError', 'WorkerDiedError']);
  });

  it('waits for a usable device (503) within the same attempt instead of spending attempts', async () => {
    const runner = new ScriptedRunner((n) =>
      n <= 3 ? new UnavailableError('no usable device can run m@1 (quarantined: cpu:0)') : undefined,
    );
    setUp(runner);
    await queue.add(payload(), { jobId: 'wait-1' });
    const record = await outcome('wait-1');
    expect(record).toMatchObject({ state: 'completed', attempt: 1 });
    expect(runner.calls).toBe(4);
    const [t1, t2, t3, t4] = runner.callTimes;
    expect([t2 - t1, t3 - t2, t4 - t3].every((gap, i) => gap >= 250 * 2 ** i - 5)).toBe(true);
  });

  it('spends the attempt once the device wait is over (or the deadline comes first)', async () => {
    setUp(new ScriptedRunner());
    const runner = new ScriptedRunner(() => new UnavailableError('no usable device'));
    const sut = new JobProcessor(runner, outcomes, 'node-1', 300);
    const delivery = { id: 'w2', data: payload(), attemptsMade: 0, discard: () => undefined, progress: async () => undefined };
    await expect(sut.process(delivery)).rejects.toThrow('no usable device');
    expect(runner.calls).toBe(2); // 0 ms, then 250 ms; the next pause would pass 300 ms
    const late = new ScriptedRunner(() => new UnavailableError('no usable device'));
    await expect(
      new JobProcessor(late, outcomes, 'node-1').process({ ...delivery, id: 'w3', data: payload({ deadlineAt: Date.now() + 100 }) }),
    ).rejects.toThrow('no usable device');
    expect(late.calls).toBe(1);
  });

  it('keeps a job routed to a remote tier waiting past the device wait (offline sync), wakes it when the remote is healthy again', async () => {
    setUp(new ScriptedRunner());
    const events = new SwitchyardEvents();
    const wait = new RemoteTierWaitService(events);
    const unreachable = () => new InferenceFailedError('remote:cloud (http://h) is unreachable: fetch failed (ECONNREFUSED)');
    const runner = new ScriptedRunner((n) => (n <= 4 ? unreachable() : undefined));
    // a device wait of 300 ms would end a job pinned to a local device after 2 tries
    const sut = new JobProcessor(runner, outcomes, 'node-1', 300, wait);
    const request = { inputs: [], parameters: { device: 'remote:cloud' } };
    const delivery = {
      id: 'remote-1',
      data: payload({ request, priority: 2 }),
      attemptsMade: 0,
      discard: () => undefined,
      progress: async () => undefined,
    };
    const done = sut.process(delivery);
    await new Promise((r) => setTimeout(r, 1000)); // tries at 0, 250, 750 ms: then it waits up to 1 s more
    expect(runner.calls).toBe(3);
    expect(wait.count('remote:cloud')).toBe(1);
    events.emit('device.health', { deviceId: 'remote:cloud', from: 'quarantined', to: 'healthy', reason: 're-admitted' });
    await new Promise((r) => setTimeout(r, 50));
    expect(runner.calls).toBe(4); // woken at once by the re-admission, not at the end of its pause
    expect(await done).toMatchObject({ attempt: 1 });
    wait.onModuleDestroy();
    // bad input is not waited on, nor is a job past its deadline
    const bad = new ScriptedRunner(() => new InvalidRequestError('bad input'));
    await expect(new JobProcessor(bad, outcomes, 'node-1', 300, wait).process({ ...delivery, id: 'remote-2' })).rejects.toThrow(
      'bad input',
    );
    expect(bad.calls).toBe(1);
    const late = new ScriptedRunner(unreachable);
    const due = { ...delivery, id: 'remote-3', data: payload({ request, deadlineAt: Date.now() + 100 }) };
    await expect(new JobProcessor(late, outcomes, 'node-1', 300, wait).process(due)).rejects.toThrow('unreachable');
    expect(late.calls).toBe(1);
  });

  it('ends a job that keeps failing with the reason of every attempt', async () => {
    setUp(new ScriptedRunner((n) => new InferenceFailedError(`device lost (attempt ${n})`)));
    await queue.add(payload({ streamId: 'stream-f' }), { jobId: 'doomed-1' });
    const record = await outcome('doomed-1');
    expect(record).toMatchObject({ state: 'failed', attempt: 3, error: 'device lost (attempt 3)' });
    expect(record.errors).toEqual([1, 2, 3].map((n) => `InferenceFailedError: device lost (attempt ${n})`));
    expect(await redis.cli('XLEN', `proc${spec}:jobs:stream:stream-f`)).toBe('(integer) 1');
  });

  it.each([
    ['bad input', () => new InvalidRequestError("input 'input': wrong shape")],
    ['an unknown device', () => new NotFoundError('unknown device "npu:7"')],
  ])('fails at once without retry on %s', async (_what, error) => {
    const runner = new ScriptedRunner(error);
    setUp(runner);
    await queue.add(payload(), { jobId: 'bad-1' });
    const record = await outcome('bad-1');
    expect(record).toMatchObject({ state: 'failed', attempt: 1 });
    expect(record.errors).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 150));
    expect(runner.calls).toBe(1);
  });

  it('fails a job that did not start before its deadline without running it', async () => {
    const runner = new ScriptedRunner();
    setUp(runner);
    await queue.add(payload({ deadlineAt: Date.now() - 1 }), { jobId: 'late-1' });
    const record = await outcome('late-1');
    expect(record).toMatchObject({ state: 'failed', attempt: 1 });
    expect(record.error).toContain('did not start before its deadline');
    expect(runner.calls).toBe(0);
  });

  it('stores one outcome when two deliveries of a job finish (redelivery after a lost lock)', async () => {
    const runner = new ScriptedRunner(() => undefined, 50);
    const sut = setUp(runner);
    await queue.pause(true);
    await queue.add(payload({ streamId: 'stream-dup' }), { jobId: 'dup-1' });
    const job = (await queue.getJob('dup-1'))!;
    const [a, b] = await Promise.all([sut.process(job), new JobProcessor(runner, outcomes, 'node-2').process(job)]);
    expect([a.duplicate, b.duplicate].sort()).toEqual([true, undefined].sort());
    expect(runner.calls).toBe(2);
    expect(await redis.cli('XLEN', `proc${spec}:jobs:stream:stream-dup`)).toBe('(integer) 1');
    // A third delivery after the outcome exists returns it without running.
    const c = await sut.process(job);
    expect(c).toMatchObject({ duplicate: true });
    expect(runner.calls).toBe(2);
  });
});
