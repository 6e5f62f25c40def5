import { REDIS_REQUIRED_MESSAGE } from '@switchyard/jobs';
import { startJobsApp, type JobsApp } from './support/jobs-app';
import { getJob, mlpCase, request, resultMismatch, submitJobs } from './support/jobs-client';

/** Without SWITCHYARD_REDIS_URL the node serves /v2 as usual and the jobs API says what it needs. */
describe('Jobs API without Redis (e2e)', () => {
  let node: JobsApp;

  beforeAll(async () => {
    node = await startJobsApp({ NODE_ID: 'no-redis' });
  }, 120_000);

  afterAll(() => node?.close());

  it.each([
    ['POST /v1/jobs', () => submitJobs(node.url, mlpCase(1).body)],
    ['GET /v1/jobs/{id}', () => getJob(node.url, 'abc')],
    ['DELETE /v1/jobs/{id}', () => request('DELETE', `${node.url}/v1/jobs/abc`)],
    ['GET /v1/stream', () => request('GET', `${node.url}/v1/stream`)],
  ])('%s answers 503 saying how to turn the jobs API on', async (_name, call) => {
    expect(await call()).toEqual({ status: 503, body: { error: REDIS_REQUIRED_MESSAGE } });
  });

  it('still serves synchronous inference on /v2', async () => {
    const c = mlpCase(9, 2);
    const { status, body } = await request('POST', `${node.url}/v2/models/mlp_tiny/infer`, c.body);
    expect(status).toBe(200);
    expect(resultMismatch(body, c.expected)).toBeUndefined();
  });
});
