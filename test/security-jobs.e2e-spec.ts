import WebSocket from 'ws';
import { RedisServer } from '../libs/jobs/src/testing/redis-server';
import { writeAuthFile } from './support/auth-fixture';
import { startJobsApp, type JobsApp } from './support/jobs-app';
import { mlpCase, request, resultMismatch } from './support/jobs-client';
import { waitFor } from './support/jobs-ports';
import { describeEachStore, storeHarness } from './support/jobs-stores';
import { describeWithRedis } from './support/requirements';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const auth = writeAuthFile([
  { name: 'alice', scopes: ['jobs', 'inference'], limits: { max_priority: 2 } },
  { name: 'bob', scopes: ['jobs'] },
  { name: 'viewer', scopes: ['metadata'] },
  { name: 'quota', scopes: ['jobs'], limits: { jobs_queued: 3 } },
  { name: 'metered', scopes: ['metadata'], limits: { requests_per_second: 0.1, burst: 3 } },
]);
const as = (tenant: string) => ({ authorization: `Bearer ${auth.keys[tenant]}` });

/** The first frame a stream connection gets (ready, or the error that closes it). */
function firstMessage(base: string, headers: Record<string, string>): Promise<{ event: string; data: { status: number; error: string } }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/v1/stream`, { headers });
    ws.once('message', (data) => {
      resolve(JSON.parse((data as Buffer).toString()));
      ws.close();
    });
    ws.once('error', reject);
  });
}

/**
 * Tenant-scoped jobs on each store of the JobStore (embedded SQLite, Redis), on a node that does
 * not run jobs (they stay queued): another tenant's job is a 404 to read and to cancel,
 * idempotency keys are per tenant, ids are random, the priority ceiling holds, `jobs_queued`
 * refuses with 429, and the result stream is authenticated.
 */
describeEachStore(
  (kind) => `Security: tenant-scoped jobs on the ${kind} store (e2e)`,
  (kind) => {
    const store = storeHarness(kind);
    let node: JobsApp;

    beforeAll(async () => {
      await store.start();
      node = await startJobsApp({ ...store.options(), AUTH_FILE: auth.path, JOBS_WORKER: false, JOBS_PREFIX: 'secs' });
    }, 120_000);

    afterAll(async () => {
      await node?.close();
      await store.stop();
    });

    it("hides a tenant's job from another tenant, to read and to cancel; its owner cancels it", async () => {
      const submitted = await request('POST', `${node.url}/v1/jobs`, mlpCase(3).body, as('alice'));
      expect(submitted.status).toBe(202);
      const [id] = submitted.body.job_ids as string[];
      expect(id).toMatch(UUID);
      expect((await request('GET', `${node.url}/v1/jobs/${id}`, undefined, as('bob'))).status).toBe(404);
      expect((await request('DELETE', `${node.url}/v1/jobs/${id}`, undefined, as('bob'))).status).toBe(404);
      expect((await request('GET', `${node.url}/v1/jobs/${id}`, undefined, as('alice'))).body.state).toBe('waiting');
      const cancelled = await request('DELETE', `${node.url}/v1/jobs/${id}`, undefined, as('alice'));
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.state).toBe('cancelled');
      // the cancelled record is the owner's too
      expect((await request('GET', `${node.url}/v1/jobs/${id}`, undefined, as('bob'))).status).toBe(404);
    });

    it('keeps idempotency keys per tenant; ids are random, and a replay returns the first ids', async () => {
      const key = `shared-key-${kind}`;
      const first = await request('POST', `${node.url}/v1/jobs`, mlpCase(1).body, { ...as('alice'), 'idempotency-key': key });
      // the same key with another body from another tenant is not a conflict: it is bob's own key
      const other = await request('POST', `${node.url}/v1/jobs`, mlpCase(2).body, { ...as('bob'), 'idempotency-key': key });
      expect(first.status).toBe(202);
      expect(other.status).toBe(202);
      expect(first.body.job_ids[0]).toMatch(UUID);
      expect(other.body.replayed).toBe(false);
      expect(other.body.job_ids).not.toEqual(first.body.job_ids);
      const replay = await request('POST', `${node.url}/v1/jobs`, mlpCase(1).body, { ...as('alice'), 'idempotency-key': key });
      expect(replay.status).toBe(202);
      expect(replay.body).toEqual({ job_ids: first.body.job_ids, replayed: true });
      const conflict = await request('POST', `${node.url}/v1/jobs`, mlpCase(9).body, { ...as('alice'), 'idempotency-key': key });
      expect(conflict.status).toBe(409);
    });

    it("lowers a job's priority to the tenant's ceiling", async () => {
      const { status, body } = await request('POST', `${node.url}/v1/jobs`, { ...mlpCase(4).body, priority: 1 }, as('alice'));
      expect(status).toBe(202);
      const view = await request('GET', `${node.url}/v1/jobs/${body.job_ids[0]}`, undefined, as('alice'));
      expect(view.body.priority).toBe(2);
    });

    it('refuses a submission that would pass jobs_queued (429 with Retry-After); a cancel makes room', async () => {
      const two = await request('POST', `${node.url}/v1/jobs`, { requests: [mlpCase(5).body, mlpCase(6).body] }, as('quota'));
      expect(two.status).toBe(202);
      const over = await fetch(`${node.url}/v1/jobs`, {
        method: 'POST',
        body: JSON.stringify({ requests: [mlpCase(7).body, mlpCase(8).body] }),
        headers: { 'content-type': 'application/json', ...as('quota') },
      });
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await over.json()) as { error: string }).error).toContain('would pass its jobs_queued limit of 3');
      // one more fits; then none
      expect((await request('POST', `${node.url}/v1/jobs`, mlpCase(7).body, as('quota'))).status).toBe(202);
      expect((await request('POST', `${node.url}/v1/jobs`, mlpCase(8).body, as('quota'))).status).toBe(429);
      // other tenants are not counted against it
      expect((await request('POST', `${node.url}/v1/jobs`, mlpCase(8).body, as('bob'))).status).toBe(202);
      expect((await request('DELETE', `${node.url}/v1/jobs/${two.body.job_ids[0]}`, undefined, as('quota'))).status).toBe(200);
      expect((await request('POST', `${node.url}/v1/jobs`, mlpCase(8).body, as('quota'))).status).toBe(202);
    });

    it('refuses jobs without the jobs scope (403) or without a key (401)', async () => {
      expect((await request('POST', `${node.url}/v1/jobs`, mlpCase(5).body, as('viewer'))).status).toBe(403);
      expect((await request('POST', `${node.url}/v1/jobs`, mlpCase(5).body)).status).toBe(401);
    });

    it('refuses a result stream without a key, and one whose tenant lacks the jobs scope', async () => {
      expect((await firstMessage(node.url, {})).data.status).toBe(401);
      expect((await firstMessage(node.url, as('viewer'))).data.status).toBe(403);
      expect((await firstMessage(node.url, as('alice'))).event).toBe('ready');
    });
  },
);

/**
 * Tenants across nodes on a real Redis: two real apps share one queue and one rate-limit store.
 * A job that ran on one node stays its tenant's on both, and a tenant's rate limit holds across
 * both nodes.
 */
describeWithRedis('Security: tenant-scoped jobs and limits across two nodes (e2e, real Redis)', () => {
  const redis = new RedisServer();
  let a: JobsApp;
  let b: JobsApp;

  beforeAll(async () => {
    await redis.start();
    const common = { REDIS_URL: redis.url, AUTH_FILE: auth.path, JOBS_PREFIX: 'sec' };
    [a, b] = await Promise.all([
      startJobsApp({ ...common, NODE_ID: 'node-a' }),
      startJobsApp({ ...common, NODE_ID: 'node-b', JOBS_WORKER: false }),
    ]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis.stop();
  });

  it("runs a tenant's job and hides it from another tenant on either node, queued and finished", async () => {
    const c = mlpCase(3);
    const submitted = await request('POST', `${b.url}/v1/jobs`, c.body, as('alice'));
    expect(submitted.status).toBe(202);
    const [id] = submitted.body.job_ids as string[];
    for (const base of [a.url, b.url]) expect((await request('GET', `${base}/v1/jobs/${id}`, undefined, as('bob'))).status).toBe(404);
    const done = await waitFor(
      'the job to finish',
      async () => {
        const { status, body } = await request('GET', `${b.url}/v1/jobs/${id}`, undefined, as('alice'));
        return status === 200 && body.state === 'completed' ? body : undefined;
      },
      60_000,
      200,
    );
    expect(resultMismatch(done.result, c.expected)).toBeUndefined();
    // finished: the outcome record carries the tenant too
    for (const base of [a.url, b.url]) {
      expect((await request('GET', `${base}/v1/jobs/${id}`, undefined, as('bob'))).status).toBe(404);
      expect((await request('DELETE', `${base}/v1/jobs/${id}`, undefined, as('bob'))).status).toBe(404);
    }
  });

  it('replays an idempotency key on the other node with the first ids', async () => {
    const key = 'two-node-key';
    const first = await request('POST', `${a.url}/v1/jobs`, mlpCase(11).body, { ...as('alice'), 'idempotency-key': key });
    const replay = await request('POST', `${b.url}/v1/jobs`, mlpCase(11).body, { ...as('alice'), 'idempotency-key': key });
    expect(replay.body).toEqual({ job_ids: first.body.job_ids, replayed: true });
    const bobs = await request('POST', `${b.url}/v1/jobs`, mlpCase(11).body, { ...as('bob'), 'idempotency-key': key });
    expect(bobs.body.replayed).toBe(false);
  });

  it("counts a tenant's rate on both nodes against one window in Redis", async () => {
    const meta = (base: string) => request('GET', `${base}/v2/models/mlp_tiny`, undefined, as('metered'));
    expect((await meta(a.url)).status).toBe(200);
    expect((await meta(b.url)).status).toBe(200);
    expect((await meta(a.url)).status).toBe(200);
    const over = await fetch(`${b.url}/v2/models/mlp_tiny`, { headers: as('metered') });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await meta(a.url)).status).toBe(429);
    // another tenant has its own window
    expect((await request('GET', `${b.url}/v2/models/mlp_tiny`, undefined, as('viewer'))).status).toBe(200);
  });
});
