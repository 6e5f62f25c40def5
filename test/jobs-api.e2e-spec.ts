import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { JOB_CONSUMER, type JobConsumer } from '@switchyard/jobs';
import { startJobsApp, type JobsApp } from './support/jobs-app';
import { cancelJob, echoCase, getJob, mlpCase, resultMismatch, submitJobs, waitForJobs, type JobCase } from './support/jobs-client';
import { waitFor } from './support/jobs-ports';
import { describeEachStore, storeHarness, type StoreKind } from './support/jobs-stores';

const run = promisify(execFile);

/**
 * The jobs API over real HTTP on one node, the same cases on each store (the conformance suite of
 * the stores at the API): a real app (its CPU pool in a child process, so that the spec can kill
 * it like a crashing worker) on the embedded SQLite store, then on a real redis-server. Results
 * are checked against plain-JS reference math.
 */
describeEachStore(
  (kind) => `Jobs API (e2e, one node, ${kind} store)`,
  (kind: StoreKind) => {
    const store = storeHarness(kind);
    let node: JobsApp;
    let url: string;
    let closed = false;

    beforeAll(async () => {
      await store.start();
      node = await startJobsApp({
        ...store.options(),
        NODE_ID: 'api-node',
        ISOLATE_CPU: 'process',
        JOBS_ATTEMPTS: 5,
        JOBS_BACKOFF_MS: 200,
      });
      url = node.url;
    }, 120_000);

    afterAll(async () => {
      if (!closed) await node?.close();
      await store.stop();
    });

    const expectCorrect = (view: any, c: JobCase) => {
      expect(view.state).toBe('completed');
      expect(resultMismatch(view.result, c.expected)).toBeUndefined();
    };

    it('runs one job: 202 with its id at once, then its KServe result, node, device and timings', async () => {
      const c = mlpCase(1, 3);
      const { status, body } = await submitJobs(url, c.body);
      expect(status).toBe(202);
      expect(body).toEqual({ job_ids: [expect.any(String)], replayed: false });
      const [view] = (await waitForJobs(url, body.job_ids, 20_000)).values();
      expectCorrect(view, c);
      expect(view).toMatchObject({
        id: body.job_ids[0],
        model_name: 'mlp_tiny',
        model_version: '1',
        node: 'api-node',
        device: 'cpu:0',
        attempts: 1,
        progress: { stage: 'done', percent: 100 },
      });
      expect(view.result).toMatchObject({ model_name: 'mlp_tiny', parameters: { device: 'cpu:0' } });
      const t = view.timings;
      expect(Date.parse(t.submitted_at)).toBeLessThanOrEqual(Date.parse(t.started_at));
      expect(Date.parse(t.started_at)).toBeLessThanOrEqual(Date.parse(t.finished_at));
      expect(t.queue_ms).toBeGreaterThanOrEqual(0);
      expect(t.run_ms).toBeGreaterThanOrEqual(0);
    }, 30_000);

    it('runs a mixed batch, every result matching the reference', async () => {
      const cases = Array.from({ length: 12 }, (_, i) => (i % 3 === 2 ? echoCase(i) : mlpCase(100 + i, 1 + (i % 4))));
      const { status, body } = await submitJobs(url, { requests: cases.map((c) => c.body), priority: 3 });
      expect(status).toBe(202);
      expect(body.job_ids).toHaveLength(12);
      const views = await waitForJobs(url, body.job_ids, 30_000);
      body.job_ids.forEach((id: string, i: number) => expectCorrect(views.get(id), cases[i]));
      expect(views.get(body.job_ids[2]).model_name).toBe('dtype_echo');
      expect(views.get(body.job_ids[0]).priority).toBe(3);
    }, 40_000);

    describe('bad input is refused at submission and nothing is enqueued', () => {
      const good = mlpCase(7).body;
      it.each([
        [
          'a wrong shape',
          { ...good, inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 15], data: new Array(15).fill(0) }] },
          400,
          'input',
        ],
        [
          'a wrong datatype',
          { ...good, inputs: [{ name: 'input', datatype: 'INT32', shape: [1, 16], data: new Array(16).fill(0) }] },
          400,
          'datatype',
        ],
        ['an unknown model', { ...good, model_name: 'no_such_model' }, 404, 'unknown model "no_such_model"'],
        ['an unknown version', { ...good, model_version: '9' }, 404, 'unknown version "9"'],
        [
          'a binary output',
          { ...good, outputs: [{ name: 'output', parameters: { binary_data: true } }] },
          400,
          'binary_data outputs are not supported',
        ],
        ['a negative priority', { ...good, priority: -1 }, 400, 'priority'],
        [
          'a batch with one bad request',
          { requests: [good, { ...good, inputs: [] }] },
          400,
          'requests[1]: "inputs" must be a non-empty array',
        ],
        ['malformed JSON', 'not json at all', 400, 'malformed JSON'],
      ])('%s is refused', async (_what, body, statusWanted, message) => {
        const before = await store.size(node.app);
        const res =
          typeof body === 'string'
            ? await fetch(`${url}/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (r) => ({
                status: r.status,
                body: await r.json(),
              }))
            : await submitJobs(url, body);
        expect(res.status).toBe(statusWanted);
        expect(res.body.error).toContain(message);
        expect(await store.size(node.app)).toBe(before);
      });
    });

    it('answers a retried submission with the same job ids (Idempotency-Key header or field)', async () => {
      const c = { requests: [mlpCase(21).body, echoCase(22).body] };
      const first = await submitJobs(url, c, { 'Idempotency-Key': 'order-42' });
      const again = await submitJobs(url, c, { 'Idempotency-Key': 'order-42' });
      const viaField = await submitJobs(url, { ...c, idempotency_key: 'order-42' });
      expect(first).toEqual({ status: 202, body: { job_ids: [expect.any(String), expect.any(String)], replayed: false } });
      expect(again.body).toEqual({ job_ids: first.body.job_ids, replayed: true });
      expect(viaField.body).toEqual({ job_ids: first.body.job_ids, replayed: true });
      const reused = await submitJobs(url, { requests: [mlpCase(23).body] }, { 'Idempotency-Key': 'order-42' });
      expect(reused.status).toBe(409);
      expect(reused.body.error).toContain('idempotency key');
      const views = await waitForJobs(url, first.body.job_ids, 20_000);
      expect([...views.values()].map((v) => v.state)).toEqual(['completed', 'completed']);
      // Completed and replayed again: nothing runs twice.
      expect((await submitJobs(url, c, { 'Idempotency-Key': 'order-42' })).body.replayed).toBe(true);
      expect((await getJob(url, first.body.job_ids[0])).body.attempts).toBe(1);
    }, 30_000);

    it('fails a job whose input is bad at run time at once, without retry', async () => {
      const body = { ...mlpCase(31).body, parameters: { device: 'npu:7' } };
      const { body: submitted } = await submitJobs(url, body);
      const [view] = (await waitForJobs(url, submitted.job_ids, 20_000)).values();
      expect(view).toMatchObject({ state: 'failed', attempts: 1, max_attempts: 5 });
      expect(view.error).toContain('unknown device "npu:7"');
      expect(view.errors).toEqual([expect.stringContaining('NotFoundError')]);
    }, 30_000);

    it('cancels a waiting job (then 409 once finished, 404 when unknown) and fails one that missed its deadline', async () => {
      // A flood of high-priority jobs keeps the lowest-priority ones waiting. A fast host can drain
      // a flood before the low one is looked at: then a bigger flood, up to 4 tries.
      const floodIds: string[] = [];
      let id: string | undefined;
      let late: any;
      for (let attempt = 0; attempt < 4 && id === undefined; attempt++) {
        const size = 300 * 2 ** attempt;
        const flood = await submitJobs(url, {
          requests: Array.from({ length: size }, (_, i) => mlpCase(1000 + attempt * 5000 + i).body),
          priority: 1,
        });
        floodIds.push(...(flood.body.job_ids as string[]));
        const waiting = await submitJobs(url, { ...mlpCase(2000 + attempt).body, priority: 1_000_000 });
        late ??= await submitJobs(url, { ...mlpCase(2100).body, priority: 1_000_000, deadline_ms: 1 });
        const candidate: string = waiting.body.job_ids[0];
        const view = (await getJob(url, candidate)).body;
        if (view.state !== 'waiting') continue;
        expect(view).toMatchObject({ state: 'waiting', progress: { stage: 'queued', percent: 0 } });
        const cancelled = await cancelJob(url, candidate);
        if (cancelled.status === 409) continue; // it started between the two calls
        expect(cancelled).toMatchObject({ status: 200, body: { id: candidate, state: 'cancelled' } });
        id = candidate;
      }
      expect(id).toBeDefined();
      if (id === undefined) return;
      expect((await getJob(url, id)).body.state).toBe('cancelled');
      expect((await cancelJob(url, id)).status).toBe(200);

      const views = await waitForJobs(url, [...floodIds, late.body.job_ids[0]], 120_000);
      const lateView = views.get(late.body.job_ids[0]);
      expect(lateView).toMatchObject({ state: 'failed', attempts: 1 });
      expect(lateView.error).toContain('did not start before its deadline');
      const done = floodIds[0];
      expect(views.get(done).state).toBe('completed');
      const refused = await cancelJob(url, done);
      expect(refused.status).toBe(409);
      expect(refused.body.error).toContain('is completed');
      expect((await cancelJob(url, 'no-such-job')).status).toBe(404);
      expect((await getJob(url, 'no-such-job')).status).toBe(404);
    }, 180_000);

    it('retries jobs whose worker process was killed: all complete, correct, and the retries are recorded', async () => {
      const cases: JobCase[] = [];
      const ids: string[] = [];
      // the jobs running in the killed process fail with WorkerDiedError; those queued behind them get
      // 503 while cpu:0 is quarantined (its pool died) until a probe re-admits it: both are retried
      const withRetry = async () => {
        for (const id of ids) {
          const view = (await getJob(url, id)).body;
          if (view.errors?.some((e: string) => /WorkerDiedError/.test(e))) return view;
        }
        return undefined;
      };
      const runningOnCpu = async () => {
        const status = (await (await fetch(`${url}/v1/scheduler`)).json()) as { devices: Array<{ deviceId: string; inFlight: number }> };
        return (status.devices.find((d) => d.deviceId === 'cpu:0')?.inFlight ?? 0) > 0 ? true : undefined;
      };
      let retried: any;
      // each try submits its own batch and kills the pool while one of its runs is in flight (a
      // fast host may finish a batch before a blind kill lands)
      for (let kill = 0; kill < 5 && !retried; kill++) {
        const batch = Array.from({ length: 200 }, (_, i) => mlpCase(5000 + kill * 200 + i, 64));
        const { body } = await submitJobs(url, { requests: batch.map((c) => c.body) });
        cases.push(...batch);
        ids.push(...(body.job_ids as string[]));
        const pid = await waitFor('the CPU pool process', () => poolProcess(), 20_000);
        if (!(await waitFor('a run in flight on cpu:0', runningOnCpu, 10_000, 2).catch(() => false))) continue;
        process.kill(pid, 'SIGKILL');
        retried = await waitFor('a job with a failed attempt', withRetry, 3000).catch(() => undefined);
      }
      expect(retried).toBeDefined();
      expect(retried.errors[0]).toMatch(/WorkerDiedError: the worker of cpu:0 died while running this job/);
      const views = await waitForJobs(url, ids, 120_000);
      ids.forEach((id, i) => expect(resultMismatch(views.get(id).result, cases[i].expected)).toBeUndefined());
      const again = views.get(retried.id);
      expect(again.state).toBe('completed');
      expect(again.attempts).toBeGreaterThan(1);
    }, 180_000);

    /** The child process hosting the CPU pool (process isolation), if it is up. */
    async function poolProcess(): Promise<number | undefined> {
      const { stdout } = await run('pgrep', ['-P', String(process.pid), '-f', 'process-pool-host']).catch(() => ({ stdout: '' }));
      const pid = Number(stdout.trim().split('\n')[0]);
      return pid > 0 ? pid : undefined;
    }

    // One shutdown test per store (each closes the node): Redis's slows the store down, which only
    // a real redis-server can do
    if (kind === 'redis')
      it('shuts down with Redis slow to answer: every job that failed has its failure record, none is left active', async () => {
        // Jobs that fail for good at run time (an unknown device): their outcome record is written
        // after Bull has moved them to failed, so a shutdown that closes Redis as soon as the handlers
        // return, or soon after Bull's 'failed' event, loses the record of the last ones.
        const redis = store.redis!;
        const consumer = node.app.get<JobConsumer>(JOB_CONSUMER);
        const stopSlowDown = redis.slowDown(1000);
        try {
          const cases = Array.from({ length: 6 }, (_, i) => ({ ...mlpCase(70_000 + i).body, parameters: { device: 'npu:7' } }));
          expect((await submitJobs(url, { requests: cases })).status).toBe(202);
          await waitFor('jobs to run', async () => (consumer.load().inFlight > 0 ? true : undefined), 20_000, 5);
          closed = true;
          await node.close();
        } finally {
          await stopSlowDown();
        }
        const failed = await redis.lines('ZRANGE', 'switchyard:infer:failed', '0', '-1');
        expect(failed.length).toBeGreaterThan(0);
        const unrecorded = [];
        for (const id of failed) if ((await redis.cli('EXISTS', `switchyard:jobs:result:${id}`)) !== '(integer) 1') unrecorded.push(id);
        expect(unrecorded).toEqual([]);
        expect(await redis.cli('LLEN', 'switchyard:infer:active')).toBe('(integer) 0');
      }, 90_000);

    if (kind === 'sqlite')
      it('lets the jobs it runs finish when it shuts down: none is left active for redelivery', async () => {
        const consumer = node.app.get<JobConsumer>(JOB_CONSUMER);
        const cases = Array.from({ length: 200 }, (_, i) => mlpCase(70_000 + i, 8));
        expect((await submitJobs(url, { requests: cases.map((c) => c.body) })).status).toBe(202);
        await waitFor('jobs to run', async () => (consumer.load().inFlight > 0 ? true : undefined), 10_000, 5);
        closed = true;
        await node.close();
        expect(await store.leftRunning()).toBe(0);
      });
  },
);
