import { SwitchyardStreamClient, type StreamResult } from '../clients/switchyard-stream-client';
import { RedisServer } from '@switchyard/jobs/testing';
import { describeWithRedis } from './support/requirements';
import { echoCase, getJob, mlpCase, resultMismatch, submitJobs, waitForJobs, type JobCase } from './support/jobs-client';
import { stopAll, SwitchyardNode } from './support/jobs-node-process';
import { sleep, waitFor } from './support/jobs-ports';

const PREFIX = 'multi';

/**
 * Three real Switchyard processes sharing one real Redis: jobs spread over them, a node killed
 * in the middle of its jobs loses none, and restarting every node loses no accepted job.
 */
describeWithRedis('Jobs across nodes (e2e, 3 server processes, real Redis)', () => {
  const redis = new RedisServer();
  let nodes: SwitchyardNode[] = [];
  const urls = () => nodes.map((n) => n.url);

  beforeAll(async () => {
    await redis.start();
    nodes = ['node-a', 'node-b', 'node-c'].map(
      (id) => new SwitchyardNode(id, { SWITCHYARD_REDIS_URL: redis.url, SWITCHYARD_JOBS_PREFIX: PREFIX }),
    );
    await Promise.all(nodes.map((n) => n.start(150_000)));
  }, 180_000);

  afterAll(async () => {
    await stopAll(nodes);
    await redis.stop();
  });

  const mixed = (n: number, seed: number): JobCase[] =>
    Array.from({ length: n }, (_, i) => (i % 4 === 3 ? echoCase(seed + i) : mlpCase(seed + i, 1 + (i % 5))));

  it('spreads a mixed batch over every node; each result records its node and device', async () => {
    const cases = mixed(300, 10_000);
    const { status, body } = await submitJobs(nodes[0].url, { requests: cases.map((c) => c.body) });
    expect(status).toBe(202);
    const views = await waitForJobs(urls(), body.job_ids, 60_000);
    body.job_ids.forEach((id: string, i: number) => {
      expect(views.get(id).state).toBe('completed');
      expect(resultMismatch(views.get(id).result, cases[i].expected)).toBeUndefined();
      expect(views.get(id).device).toBe('cpu:0');
    });
    const perNode = countBy([...views.values()].map((v) => v.node));
    expect(Object.keys(perNode).sort()).toEqual(['node-a', 'node-b', 'node-c']);
  }, 90_000);

  it('killing a node in the middle of its jobs loses none: they complete elsewhere, each result stored once', async () => {
    const [survivor, , victim] = nodes;
    const client = new SwitchyardStreamClient({ url: survivor.url });
    client.on('error', () => undefined);
    await client.connect();
    const results: StreamResult[] = [];
    client.on('result', (r: StreamResult) => results.push(r));
    const cases = Array.from({ length: 600 }, (_, i) => mlpCase(20_000 + i, 1 + (i % 8)));
    const { jobIds } = await client.submit({ requests: cases.map((c) => c.body) });

    await waitFor(
      `${victim.nodeId} to finish some jobs`,
      async () => (results.filter((r) => r.node === victim.nodeId).length >= 10 ? true : undefined),
      30_000,
      10,
    );
    await victim.stop('SIGKILL');
    // What the victim held when it died stays in Bull's active list until its locks expire (2 s
    // here), while the survivors' jobs come and go within milliseconds.
    await sleep(100);
    const early = new Set(await redis.lines('LRANGE', `${PREFIX}:infer:active`, '0', '-1'));
    await sleep(600);
    const held = (await redis.lines('LRANGE', `${PREFIX}:infer:active`, '0', '-1')).filter((id) => early.has(id));
    expect(held.length).toBeGreaterThan(0);
    // Those it had not finished (no outcome stored yet) are the ones another node must run.
    const unfinished = (await Promise.all(held.map((id) => getJob(survivor.url, id))))
      .filter((v) => v.body.state === 'active')
      .map((v) => v.body.id as string);
    expect(unfinished.length).toBeGreaterThan(0);

    await waitFor('every result on the stream', async () => (results.length >= jobIds.length ? true : undefined), 60_000, 50);
    await sleep(1000); // a duplicate would arrive now
    client.close();
    expect(results.map((r) => r.seq)).toEqual(results.map((_, i) => i + 1));
    expect(results.map((r) => r.job_id).sort()).toEqual([...jobIds].sort());
    const byId = new Map(results.map((r) => [r.job_id, r]));
    jobIds.forEach((id, i) => {
      expect(byId.get(id)!.state).toBe('completed');
      expect(resultMismatch(byId.get(id)!.result, cases[i].expected)).toBeUndefined();
    });
    for (const id of unfinished) expect(byId.get(id)!.node).not.toBe(victim.nodeId);
    // A job it finished but could not mark done in Bull is delivered again: the stored outcome
    // stands (its node is the victim) and the stream still carries it once (checked above).
  }, 120_000);

  it('restarting every node mid-run loses no accepted job', async () => {
    const cases = mixed(400, 30_000);
    const { status, body } = await submitJobs(nodes[0].url, { requests: cases.map((c) => c.body) });
    expect(status).toBe(202);
    const ids: string[] = body.job_ids;
    await waitFor(
      'some jobs to finish',
      async () => ((await getJob(nodes[1].url, ids[40])).body?.state === 'completed' ? true : undefined),
      30_000,
      20,
    );
    // One node shuts down gracefully (its running jobs finish), the others crash.
    await Promise.all([nodes[0].stop('SIGTERM'), nodes[1].stop('SIGKILL'), nodes[2].stop('SIGKILL')]);
    const left = Number((await redis.cli('LLEN', `${PREFIX}:infer:wait`)).replace('(integer) ', ''));
    expect(left).toBeGreaterThan(0);

    await Promise.all(nodes.map((n) => n.start(150_000)));
    const views = await waitForJobs(urls(), ids, 60_000);
    ids.forEach((id, i) => {
      expect(views.get(id).state).toBe('completed');
      expect(resultMismatch(views.get(id).result, cases[i].expected)).toBeUndefined();
    });
  }, 240_000);
});

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
