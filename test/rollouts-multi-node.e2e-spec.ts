import { RedisServer } from '@switchyard/jobs/testing';
import { describeWithRedis } from './support/requirements';
import { stopAll, SwitchyardNode } from './support/jobs-node-process';
import { sleep, waitFor } from './support/jobs-ports';
import { postJson, seededFloats } from './support/v2-client';

const PREFIX = 'rollmulti';
const MODEL = 'mlp_versions';

interface Step {
  at: string;
  decision: string;
  weight: number;
}

/**
 * Two real Switchyard processes sharing one real Redis (SWITCHYARD_REDIS_URL): a rollout started
 * on one node is the same on the other, which routes by it; a change on either is followed by the
 * other within about a second; each analysis runs once across the nodes; a restarted node keeps it.
 */
describeWithRedis('Rollouts across nodes (e2e, 2 server processes, real Redis)', () => {
  const redis = new RedisServer();
  let a: SwitchyardNode;
  let b: SwitchyardNode;
  let sent = 0;

  beforeAll(async () => {
    await redis.start();
    const env = { SWITCHYARD_REDIS_URL: redis.url, SWITCHYARD_JOBS_PREFIX: PREFIX, SWITCHYARD_MODELS: MODEL };
    [a, b] = [new SwitchyardNode('node-a', env), new SwitchyardNode('node-b', env)];
    await Promise.all([a.start(150_000), b.start(150_000)]);
  }, 180_000);

  afterAll(async () => {
    await stopAll([a, b]);
    await redis.stop();
  });

  const call = async (node: SwitchyardNode, method: string, body?: unknown) => {
    const res = await fetch(`${node.url}/v1/models/${MODEL}/rollout`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const infer = async (node: SwitchyardNode, session?: string): Promise<string> => {
    const input = seededFloats(16, ++sent);
    const res = await postJson(
      node.url,
      `/v2/models/${MODEL}/infer`,
      { inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: Array.from(input) }] },
      session ? { 'x-switchyard-session': session } : {},
    );
    expect(res.status).toBe(200);
    return res.json.model_version as string;
  };
  /** One sample of the node's /metrics (undefined when absent). */
  const metric = async (node: SwitchyardNode, series: string) => {
    const text = await (await fetch(`${node.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };
  const versionsOf = async (node: SwitchyardNode, n: number) => {
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) seen.add(await infer(node));
    return [...seen].sort();
  };
  /** How long until `n` answers in a row from `node` come from `version` (the node follows). */
  const followsWithin = async (node: SwitchyardNode, version: string, n = 20, limitMs = 10_000) => {
    const t0 = Date.now();
    let streakStart = Date.now();
    let streak = 0;
    while (streak < n) {
      if (Date.now() - t0 > limitMs) throw new Error(`${node.nodeId} still answers from other versions than ${version}`);
      const at = Date.now();
      if ((await infer(node)) === version) {
        if (streak++ === 0) streakStart = at;
      } else streak = 0;
    }
    return streakStart - t0;
  };

  it('a rollout started on node A is the same on node B, which routes by it (sessions land alike)', async () => {
    const put = await call(a, 'PUT', { primary: '1', candidate: '2', weight: 50, interval_s: 3600 });
    expect(put.status).toBe(200);
    const onB = await call(b, 'GET');
    expect(onB.status).toBe(200);
    for (const field of ['id', 'revision', 'spec', 'status', 'weight', 'created_at', 'steps'])
      expect(onB.body[field]).toEqual(put.body[field]);
    await sleep(1000); // B's routing table follows the change feed
    expect(await versionsOf(b, 40)).toEqual(['1', '2']);
    for (const session of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']) expect(await infer(b, session)).toBe(await infer(a, session));
  }, 60_000);

  it('DELETE on node B sends node A’s traffic back to the primary within about a second', async () => {
    const aborted = await call(b, 'DELETE');
    expect(aborted.body).toMatchObject({ status: 'aborted', weight: 0 });
    const lagMs = await followsWithin(a, '1');
    expect(lagMs).toBeLessThan(1500);
    expect((await call(a, 'GET')).body).toMatchObject({ id: aborted.body.id, status: 'aborted', revision: aborted.body.revision });
  }, 60_000);

  it('analyses run once across the nodes: both tick every interval, one steps; the promotion is followed by the other', async () => {
    const spec = {
      primary: '1',
      candidate: '2',
      weight: 20,
      step_weight: 20,
      max_weight: 60,
      interval_s: 1,
      min_samples: 5,
      threshold: 5,
      max_p99_ratio: 50,
      max_error_rate_delta: 0.5,
    };
    const auditsBefore = a.audits.length + b.audits.length;
    const started = await call(b, 'PUT', spec);
    expect(started.status).toBe(200);
    // traffic on both nodes; the analysis sees the requests of both
    let state = started.body;
    const until = Date.now() + 60_000;
    let perNode = 0;
    while (state.status === 'progressing' && Date.now() < until) {
      await Promise.all([infer(a), infer(b)]);
      if (++perNode % 5 === 0) state = (await call(a, 'GET')).body;
    }
    state = (await call(a, 'GET')).body;
    expect(state.status).toBe('promoted');
    const steps: Step[] = state.steps;
    const judged = steps.filter((s) => s.decision !== 'wait');
    expect(judged.map((s) => [s.decision, s.weight])).toEqual([
      ['start', 20],
      ['step', 40],
      ['step', 60],
      ['promote', 100],
    ]);
    // two analyses never share an interval (both nodes' timers fire for each one)
    const analysed = steps.filter((s) => s.decision !== 'start').map((s) => Date.parse(s.at));
    for (let i = 1; i < analysed.length; i++) expect(analysed[i] - analysed[i - 1]).toBeGreaterThanOrEqual(900);
    // each decision was taken (and audited) by one node
    await sleep(200);
    const audits = [...a.audits, ...b.audits]
      .slice(auditsBefore)
      .map((line) => JSON.parse(line.slice(line.indexOf('{"audit"'), line.lastIndexOf('}') + 1)));
    expect(audits.filter((x) => x.audit === 'rollout.decision').length).toBe(steps.length);
    // the figures are of both nodes' traffic (one node's could not exceed perNode)
    expect(perNode).toBeGreaterThan(20);
    expect(state.versions['1'].requests + state.versions['2'].requests).toBeGreaterThan(perNode);
    expect(await followsWithin(b, '2')).toBeLessThan(1500);
    expect(await versionsOf(a, 10)).toEqual(['2']);
    // /metrics: each node shows the state it routes by; the promotion is counted once over both
    const promotions = await Promise.all(
      [a, b].map((n) => metric(n, `switchyard_rollout_decisions_total{model="${MODEL}",decision="promote"}`)),
    );
    expect(promotions.reduce<number>((x, y) => x + (y ?? 0), 0)).toBe(1);
    for (const n of [a, b]) expect(await metric(n, `switchyard_rollout_state{model="${MODEL}",state="promoted"}`)).toBe(1);
  }, 120_000);

  it('a node restarted (killed) keeps the rollout: same state from Redis, same routing', async () => {
    const before = (await call(b, 'GET')).body;
    await a.stop('SIGKILL');
    await a.start(150_000);
    const after = (await call(a, 'GET')).body;
    for (const field of ['id', 'revision', 'spec', 'status', 'weight', 'created_at', 'steps', 'accuracy'])
      expect(after[field]).toEqual(before[field]);
    expect(await versionsOf(a, 10)).toEqual(['2']);
  }, 200_000);

  it('while Redis hangs, the rollout API answers 503 within seconds and the nodes route by the last state; then all resumes', async () => {
    redis.pause();
    try {
      const t0 = Date.now();
      const res = await call(b, 'GET');
      expect(res.status).toBe(503);
      expect(res.body.error).toContain('rollout store');
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect((await call(a, 'DELETE')).status).toBe(503);
      expect(await versionsOf(a, 5)).toEqual(['2']);
      expect(await versionsOf(b, 5)).toEqual(['2']);
    } finally {
      redis.resume();
    }
    await waitFor('the rollout API back', async () => ((await call(b, 'GET')).status === 200 ? true : undefined), 20_000, 200);
    expect((await call(a, 'GET')).body).toMatchObject({ status: 'promoted', weight: 100 });
  }, 90_000);
});
