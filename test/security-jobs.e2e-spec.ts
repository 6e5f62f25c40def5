import WebSocket from 'ws';
import { RedisServer } from '../libs/jobs/src/testing/redis-server';
import { writeAuthFile } from './support/auth-fixture';
import { startJobsApp, type JobsApp } from './support/jobs-app';
import { mlpCase, request, resultMismatch } from './support/jobs-client';
import { waitFor } from './support/jobs-ports';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Tenants across nodes on a real Redis: two real apps share one queue and one rate-limit store.
 * Jobs are tenant-scoped (another tenant's job is a 404 to read and to cancel), idempotency keys
 * are per tenant, job ids are random, and a tenant's rate limit holds across both nodes.
 */
describe('Security: tenant-scoped jobs and limits across nodes (e2e, real Redis)', () => {
  const redis = new RedisServer();
  const auth = writeAuthFile([
    { name: 'alice', scopes: ['jobs', 'inference'], limits: { max_priority: 2 } },
    { name: 'bob', scopes: ['jobs'] },
    { name: 'viewer', scopes: ['metadata'] },
    { name: 'metered', scopes: ['metadata'], limits: { requests_per_second: 0.1, burst: 3 } },
  ]);
  let a: JobsApp;
  let b: JobsApp;
  const as = (tenant: string) => ({ authorization: `Bearer ${auth.keys[tenant]}` });

  beforeAll(async () => {
    await redis.start();
    const common = { REDIS_URL: redis.url, AUTH_FILE: auth.path, JOBS_PREFIX: 'sec' };
    [a, b] = await Promise.all([startJobsApp({ ...common, NODE_ID: 'node-a' }), startJobsApp({ ...common, NODE_ID: 'node-b', JOBS_WORKER: false })]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis.stop();
  });

  it("runs a tenant's job and hides it from another tenant (read and cancel), on either node", async () => {
    const c = mlpCase(3);
    const submitted = await request('POST', `${a.url}/v1/jobs`, c.body, as('alice'));
    expect(submitted.status).toBe(202);
    const [id] = submitted.body.job_ids as string[];
    expect(id).toMatch(UUID);
    for (const base of [a.url, b.url]) {
      expect((await request('GET', `${base}/v1/jobs/${id}`, undefined, as('bob'))).status).toBe(404);
      expect((await request('DELETE', `${base}/v1/jobs/${id}`, undefined, as('bob'))).status).toBe(404);
    }
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
    expect((await request('GET', `${a.url}/v1/jobs/${id}`, undefined, as('bob'))).status).toBe(404);
  });

  it('keeps idempotency keys per tenant; ids are random, and a replay returns the first ids', async () => {
    const key = 'shared-key-1';
    const first = await request('POST', `${a.url}/v1/jobs`, mlpCase(1).body, { ...as('alice'), 'idempotency-key': key });
    // the same key with another body from another tenant is not a conflict: it is bob's own key
    const other = await request('POST', `${b.url}/v1/jobs`, mlpCase(2).body, { ...as('bob'), 'idempotency-key': key });
    expect(first.status).toBe(202);
    expect(other.status).toBe(202);
    expect(other.body.replayed).toBe(false);
    expect(other.body.job_ids).not.toEqual(first.body.job_ids);
    const replay = await request('POST', `${b.url}/v1/jobs`, mlpCase(1).body, { ...as('alice'), 'idempotency-key': key });
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual({ job_ids: first.body.job_ids, replayed: true });
    const conflict = await request('POST', `${a.url}/v1/jobs`, mlpCase(9).body, { ...as('alice'), 'idempotency-key': key });
    expect(conflict.status).toBe(409);
  });

  it("lowers a job's priority to the tenant's ceiling", async () => {
    const { status, body } = await request('POST', `${a.url}/v1/jobs`, { ...mlpCase(4).body, priority: 1 }, as('alice'));
    expect(status).toBe(202);
    const view = await request('GET', `${a.url}/v1/jobs/${body.job_ids[0]}`, undefined, as('alice'));
    expect(view.body.priority).toBe(2);
  });

  it('refuses jobs without the jobs scope (403) or without a key (401)', async () => {
    expect((await request('POST', `${a.url}/v1/jobs`, mlpCase(5).body, as('viewer'))).status).toBe(403);
    expect((await request('POST', `${a.url}/v1/jobs`, mlpCase(5).body)).status).toBe(401);
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
    expect((await meta(b.url)).status).toBe(429);
    // another tenant has its own window
    expect((await request('GET', `${b.url}/v2/models/mlp_tiny`, undefined, as('viewer'))).status).toBe(200);
  });

  it('refuses a result stream without a key, and one whose tenant lacks the jobs scope', async () => {
    const firstMessage = (headers: Record<string, string>) =>
      new Promise<{ event: string; data: { status: number; error: string } }>((resolve, reject) => {
        const ws = new WebSocket(`${a.url.replace('http', 'ws')}/v1/stream`, { headers });
        ws.once('message', (data) => {
          resolve(JSON.parse(String(data)));
          ws.close();
        });
        ws.once('error', reject);
      });
    expect((await firstMessage({})).data.status).toBe(401);
    expect((await firstMessage(as('viewer'))).data.status).toBe(403);
    const ok = await firstMessage(as('alice'));
    expect(ok.event).toBe('ready');
  });
});
