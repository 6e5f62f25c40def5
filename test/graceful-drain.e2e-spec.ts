import { DEMO_MODELS, type MlpSpec } from '@switchyard/models';
import { maxRelativeError, referenceMlp } from '@switchyard/models/testing';
import type { SchedulerStatusDto } from '@switchyard/scheduler';
import { RedisServer } from '@switchyard/jobs/testing';
import { HAS_PROC, poolHostPid } from './support/child-processes';
import { getJob, mlpCase, resultMismatch, submitJobs } from './support/jobs-client';
import { SwitchyardNode } from './support/jobs-node-process';
import { sleep, waitFor } from './support/jobs-ports';
import { postJson, seededFloats, type V2Response } from './support/v2-client';

const MLP_TINY = DEMO_MODELS.find((m) => m.name === 'mlp_tiny') as MlpSpec;
const describeWithProc = HAS_PROC ? describe : describe.skip;

/** One CPU worker in a child process, which the specs freeze (SIGSTOP) to hold work in the queue. */
const NODE_ENV = {
  SWITCHYARD_MODELS: 'mlp_tiny',
  SWITCHYARD_ISOLATE_CPU: 'process',
  SWITCHYARD_CPU_WORKERS: '1',
  // the frozen run is the spec's doing, not a hung device to recycle
  SWITCHYARD_RUN_TIMEOUT_MS: '600000',
};

/**
 * SIGTERM to a real server process (dist/apps/server/src/main.js) with requests in flight and
 * queued: readiness fails at once, new requests are still taken during the grace and refused
 * after it, the work in hand finishes, and the process exits 0; by the exit timeout when the
 * work hangs.
 */
describeWithProc('Graceful drain (e2e, real server process)', () => {
  const nodes: SwitchyardNode[] = [];
  const frozen: number[] = [];

  afterEach(async () => {
    for (const pid of frozen.splice(0)) kill(pid, 'SIGKILL');
    await Promise.allSettled(nodes.splice(0).map((n) => n.stop('SIGKILL')));
  });

  async function start(env: Record<string, string>): Promise<{ node: SwitchyardNode; pool: number }> {
    const node = new SwitchyardNode(`drain-${nodes.length}`, { ...NODE_ENV, ...env });
    nodes.push(node);
    await node.start();
    return { node, pool: poolHostPid(node.pid!) };
  }

  function infer(node: SwitchyardNode, seed: number): Promise<V2Response> {
    return postJson(node.url, '/v2/models/mlp_tiny/infer', {
      inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: Array.from(seededFloats(16, seed)) }],
    });
  }

  function expectRow(res: V2Response, seed: number): void {
    expect(res.status).toBe(200);
    expect(maxRelativeError(res.json.outputs[0].data, referenceMlp(MLP_TINY, seededFloats(16, seed), 1))).toBeLessThan(1e-4);
  }

  async function cpu(node: SwitchyardNode): Promise<SchedulerStatusDto['devices'][number]> {
    const status = (await (await fetch(`${node.url}/v1/scheduler`)).json()) as SchedulerStatusDto;
    return status.devices.find((d) => d.deviceId === 'cpu:0')!;
  }

  /** Freezes the pool and sends `count` requests: the first runs (and hangs), the others queue. */
  async function holdWork(node: SwitchyardNode, pool: number, count: number): Promise<Array<Promise<V2Response>>> {
    kill(pool, 'SIGSTOP');
    frozen.push(pool);
    const sent = [infer(node, 100)];
    await waitFor('the first request running', async () => ((await cpu(node)).inFlight === 1 ? true : undefined), 20_000, 20);
    for (let i = 1; i < count; i++) sent.push(infer(node, 100 + i));
    await waitFor('the others queued', async () => ((await cpu(node)).queuedJobs === count - 1 ? true : undefined), 20_000, 20);
    return sent;
  }

  async function readinessFails(node: SwitchyardNode): Promise<Response> {
    return waitFor(
      'readiness 503',
      async () => {
        const res = await fetch(`${node.url}/v2/health/ready`);
        return res.status === 503 ? res : undefined;
      },
      20_000,
      20,
    );
  }

  it('on SIGTERM: ready 503 at once, requests taken during the grace, 503 after it; the work in hand finishes 200; exit 0', async () => {
    const { node, pool } = await start({ SWITCHYARD_DRAIN_GRACE_MS: '3000', SWITCHYARD_EXIT_TIMEOUT_MS: '60000' });
    expect((await fetch(`${node.url}/v2/health/ready`)).status).toBe(200);
    const inHand = await holdWork(node, pool, 4);
    const signalledAt = Date.now();
    kill(node.pid!, 'SIGTERM');

    const ready = await readinessFails(node);
    expect(await ready.json()).toEqual({ error: expect.stringContaining('shutting down') });
    expect((await fetch(`${node.url}/v2/health/live`)).status).toBe(200);

    // Readiness already says 503, yet requests are taken until the grace ends (load balancers
    // need a moment to notice); then they are refused with Retry-After. A taken request waits
    // behind the frozen pool; a refused one is answered at once.
    const probes: Array<Promise<V2Response>> = [];
    const refused = await waitFor(
      'a request refused after the grace',
      async () => {
        const probe = infer(node, 200 + probes.length);
        probes.push(probe);
        const early = await Promise.race([probe, sleep(500).then(() => undefined)]);
        return early?.status === 503 ? early : undefined;
      },
      30_000,
      0,
    );
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.json.error).toContain('shutting down');
    expect((await cpu(node)).queuedJobs).toBeGreaterThan(0);

    kill(pool, 'SIGCONT');
    frozen.splice(frozen.indexOf(pool), 1);
    (await Promise.all(inHand)).forEach((res, i) => expectRow(res, 100 + i));
    // in the order sent: taken (and answered correctly) during the grace, refused after it
    const statuses = (await Promise.all(probes)).map((res) => res.status);
    const firstRefused = statuses.indexOf(503);
    expect(firstRefused).toBeGreaterThan(0);
    expect(statuses.slice(firstRefused).every((s) => s === 503)).toBe(true);
    (await Promise.all(probes.slice(0, firstRefused))).forEach((res, i) => expectRow(res, 200 + i));
    const exit = await node.exited();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(60_000);
    expect(node.log()).toContain('all work finished');
  }, 180_000);

  it('exits 0 by the exit timeout when the work in hand hangs, answering it 503', async () => {
    const { node, pool } = await start({ SWITCHYARD_DRAIN_GRACE_MS: '200', SWITCHYARD_EXIT_TIMEOUT_MS: '3000' });
    const inHand = await holdWork(node, pool, 3);
    const signalledAt = Date.now();
    kill(node.pid!, 'SIGTERM');

    const answers = await Promise.all(inHand);
    const answeredAfterMs = Date.now() - signalledAt;
    for (const res of answers) {
      expect(res.status).toBe(503);
      expect(res.json.error).toContain('shutting down');
    }
    const exit = await node.exited();
    const exitedAfterMs = Date.now() - signalledAt;
    expect(exit).toEqual({ code: 0, signal: null });
    // the drain waited for the hung work up to its timeout, not longer than it and the bounded close
    expect(answeredAfterMs).toBeGreaterThanOrEqual(3000 - 50);
    expect(exitedAfterMs).toBeLessThan(3000 + 20_000);
    expect(node.log()).toContain('answering them 503');
  }, 180_000);

  it('a second signal stops the waiting: the work in hand is answered 503 at once and the process exits 0', async () => {
    const { node, pool } = await start({ SWITCHYARD_DRAIN_GRACE_MS: '0', SWITCHYARD_EXIT_TIMEOUT_MS: '600000' });
    const inHand = await holdWork(node, pool, 2);
    kill(node.pid!, 'SIGTERM');
    await readinessFails(node);
    kill(node.pid!, 'SIGINT');
    for (const res of await Promise.all(inHand)) {
      expect(res.status).toBe(503);
      expect(res.json.error).toContain('shutting down');
    }
    expect(await node.exited()).toEqual({ code: 0, signal: null });
    expect(node.log()).toContain('2 request(s) answered 503');
  }, 180_000);
});

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** The jobs consumer is part of the drain: it takes no job after the signal, and finishes its own. */
describeWithProc('Graceful drain of a jobs node (e2e, real server process, real Redis)', () => {
  const redis = new RedisServer();
  let node: SwitchyardNode | undefined;
  let pool = 0;

  beforeAll(async () => {
    await redis.start();
  }, 30_000);

  afterAll(async () => {
    if (pool) kill(pool, 'SIGKILL');
    await node?.stop('SIGKILL');
    await redis.stop();
  });

  it('stops taking jobs at SIGTERM, lets the running one finish and store its result, leaves the rest queued, exits 0', async () => {
    node = new SwitchyardNode('drain-jobs', {
      ...NODE_ENV,
      SWITCHYARD_REDIS_URL: redis.url,
      SWITCHYARD_JOBS_PREFIX: 'drain',
      SWITCHYARD_JOBS_CONCURRENCY: '1',
      // a long grace: a consumer still taking jobs then would run every queued one
      SWITCHYARD_DRAIN_GRACE_MS: '3000',
      SWITCHYARD_EXIT_TIMEOUT_MS: '60000',
    });
    await node.start();
    pool = poolHostPid(node.pid!);
    kill(pool, 'SIGSTOP');
    const cases = Array.from({ length: 5 }, (_, i) => mlpCase(300 + i));
    const { status, body } = await submitJobs(node.url, { requests: cases.map((c) => c.body) });
    expect(status).toBe(202);
    const ids: string[] = body.job_ids;
    const running = await waitFor(
      'a job running on the frozen pool',
      async () => {
        for (const [i, id] of ids.entries()) if ((await getJob(node!.url, id)).body.state === 'active') return i;
        return undefined;
      },
      30_000,
      50,
    );

    kill(node.pid!, 'SIGTERM');
    await waitFor(
      'readiness 503',
      async () => ((await fetch(`${node!.url}/v2/health/ready`)).status === 503 ? true : undefined),
      20_000,
      20,
    );
    kill(pool, 'SIGCONT');
    expect(await node.exited()).toEqual({ code: 0, signal: null });

    const queued = await redis.lines('LRANGE', 'drain:infer:wait', '0', '-1');
    expect(queued.sort()).toEqual(ids.filter((_, i) => i !== running).sort());
    const done = await redis.cli('HGET', `drain:infer:${ids[running]}`, 'finishedOn');
    expect(done).not.toBe('(nil)');
    // the stored outcome of the job it finished is right (read through a fresh node below)
    const reader = new SwitchyardNode('drain-reader', {
      ...NODE_ENV,
      SWITCHYARD_REDIS_URL: redis.url,
      SWITCHYARD_JOBS_PREFIX: 'drain',
      SWITCHYARD_JOBS_WORKER: 'false',
    });
    try {
      await reader.start();
      const view = (await getJob(reader.url, ids[running])).body;
      expect(view.state).toBe('completed');
      expect(view.node).toBe('drain-jobs');
      expect(resultMismatch(view.result, cases[running].expected)).toBeUndefined();
    } finally {
      await reader.stop('SIGKILL');
    }
  }, 240_000);
});
