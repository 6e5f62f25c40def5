import { ClientClosedRequestError, SwitchyardEvents, type SwitchyardEventMap } from '@switchyard/common';
import type { ServedModel } from '@switchyard/models';
import { maxRelativeError } from '@switchyard/models/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EwmaServiceTimeEstimator } from '../estimator/ewma-service-time-estimator';
import type { JobOutcome } from '../interfaces/inference-job.interface';
import { DeviceDispatcher } from './device-dispatcher';
import { ManualClock } from './testing/manual-clock';
import { demoServedModel } from './testing/demo-served-model';
import { InlineOrtPool } from './testing/inline-ort-pool';
import { mlpJob, mlpTinyReference } from './testing/mlp-job.fixture';

const root = mkdtempSync(join(tmpdir(), 'sy-dispatch-gone-'));
const decision = { policy: 'test', deviceId: 'cpu:0' };
const output = (o: JobOutcome) => new Float32Array(o.outputs[0].data);

/** Jobs whose client disconnected (InferenceJob.signal aborted) while they were queued. */
describe(`${DeviceDispatcher.name} (clients that leave)`, () => {
  let unbatched: { model: ServedModel; path: string };

  beforeAll(async () => {
    unbatched = await demoServedModel(root, 'mlp_tiny', { configPatch: { max_batch_size: 0 } });
    unbatched.model.inputs[0].shape = [-1, 16];
  });

  async function rig() {
    const pool = new InlineOrtPool('cpu:0', 1);
    await pool.loadModel({ key: unbatched.model.key, path: unbatched.path });
    const clock = new ManualClock(1000);
    const events = new SwitchyardEvents();
    const rejected: SwitchyardEventMap['job.rejected'][] = [];
    events.on('job.rejected', (e) => rejected.push(e));
    const sut = new DeviceDispatcher({ pool, clock, estimator: new EwmaServiceTimeEstimator(), events, predictServiceMs: () => 1 });
    return { sut, pool, clock, rejected };
  }

  it('drops a queued job when its client leaves: it never runs, the queue frees at once, the others run', async () => {
    const { sut, pool, clock, rejected } = await rig();
    pool.hold();
    const running = mlpJob(unbatched.model, 1, clock.now());
    const first = sut.enqueue({ job: running.job, decision, level: 5 });
    const client = new AbortController();
    const gone = sut
      .enqueue({ job: mlpJob(unbatched.model, 2, clock.now(), { signal: client.signal }).job, decision, level: 5 })
      .catch((e: unknown) => e);
    const after = mlpJob(unbatched.model, 3, clock.now());
    const third = sut.enqueue({ job: after.job, decision, level: 5, deadlineAt: clock.now() + 1000 });
    expect(sut.queuedJobs).toBe(2);

    client.abort();
    const error = await gone;
    expect(error).toBeInstanceOf(ClientClosedRequestError);
    expect((error as ClientClosedRequestError).status).toBe(499);
    expect(sut.queuedJobs).toBe(1);
    expect(sut.state().models[unbatched.model.key]).toEqual({ queuedJobs: 1, queuedRows: 3 });
    expect(rejected).toEqual([{ model: unbatched.model.key, reason: 'client_gone', deviceId: 'cpu:0' }]);

    pool.release();
    await first;
    const done = await third;
    expect(maxRelativeError(output(done), mlpTinyReference(after.values, 3))).toBeLessThan(1e-5);
    expect(pool.runs.map((r) => r.rows)).toEqual([1, 3]);
  });

  it('refuses a job whose client has already left when it arrives', async () => {
    const { sut, pool, clock, rejected } = await rig();
    const error = await sut
      .enqueue({ job: mlpJob(unbatched.model, 1, clock.now(), { signal: AbortSignal.abort() }).job, decision, level: 5 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientClosedRequestError);
    expect(rejected.map((e) => e.reason)).toEqual(['client_gone']);
    expect(pool.runs).toEqual([]);
    expect(sut.queuedJobs).toBe(0);
  });

  it('lets a job whose client leaves after dispatch finish (a running task is never aborted)', async () => {
    const { sut, pool, clock, rejected } = await rig();
    pool.hold();
    const client = new AbortController();
    const { job, values } = mlpJob(unbatched.model, 2, clock.now(), { signal: client.signal });
    const outcome = sut.enqueue({ job, decision, level: 5 });
    expect(sut.inFlight).toBe(1);
    client.abort();
    pool.release();
    expect(maxRelativeError(output(await outcome), mlpTinyReference(values, 2))).toBeLessThan(1e-5);
    expect(rejected).toEqual([]);
    expect(sut.queuedJobs).toBe(0);
  });

  it('stops the expiry timer of a dropped job (no second rejection at its deadline)', async () => {
    const { sut, pool, clock, rejected } = await rig();
    pool.hold();
    const first = sut.enqueue({ job: mlpJob(unbatched.model, 1, clock.now()).job, decision, level: 5 });
    const client = new AbortController();
    const gone = sut
      .enqueue({
        job: mlpJob(unbatched.model, 1, clock.now(), { signal: client.signal }).job,
        decision,
        level: 5,
        deadlineAt: clock.now() + 10,
      })
      .catch((e: unknown) => e);
    client.abort();
    expect(await gone).toBeInstanceOf(ClientClosedRequestError);
    clock.advance(20);
    expect(rejected.map((e) => e.reason)).toEqual(['client_gone']);
    pool.release();
    await first;
    expect(pool.runs).toHaveLength(1);
  });
});
