import { UnavailableError, withTimeout } from '@switchyard/common';
import type { Queue } from 'bull';
import type { JobPayload } from '../interfaces/job-payload.interface';
import type { JobStore, KeyClaim, NewJob, RemoveResult, StoredJob } from '../interfaces/job-store.interface';
import type { JobState } from '../interfaces/job-view.interface';
import type { IdempotencyKeys } from '../results/idempotency-keys.adapter';
import type { JobOutcomeStore } from '../results/job-outcome-store.adapter';
import type { TenantJobSets } from '../results/tenant-job-sets.adapter';
import { storedBullJob } from './failure-recorder';

/** How long a request waits for a Redis connection that is being (re)established. */
const CONNECT_WAIT_MS = 2000;
/**
 * How long one API call waits for Redis's answers. Commands sent on a connection that died
 * unnoticed (or to a Redis that hangs) are held by ioredis until it reconnects, with no limit.
 */
const ANSWER_WAIT_MS = 3000;
const CANCELLABLE: readonly string[] = ['waiting', 'delayed', 'paused'];

/** The JobStore on the shared Bull queue in Redis (many nodes; see JobStore for the rules). */
export class BullJobStore implements JobStore {
  constructor(
    private readonly queue: Queue<JobPayload>,
    readonly outcomes: JobOutcomeStore,
    private readonly keys: IdempotencyKeys,
    private readonly tenantJobs: TenantJobSets,
  ) {}

  claimKey(keyHash: string, fingerprint: string, jobIds: readonly string[]): Promise<KeyClaim> {
    return this.keys.claim(keyHash, fingerprint, jobIds);
  }

  async add(jobs: readonly NewJob[]): Promise<void> {
    if (jobs.length === 0) return;
    const byTenant = new Map<string, string[]>();
    for (const j of jobs)
      if (j.payload.tenant !== undefined) byTenant.set(j.payload.tenant, [...(byTenant.get(j.payload.tenant) ?? []), j.id]);
    // noted first: a job counted that is not added yet is pruned at the next count
    for (const [tenant, ids] of byTenant) await this.tenantJobs.add(tenant, ids);
    // Bull skips ids that exist.
    await this.queue.addBulk(jobs.map((j) => ({ data: j.payload, opts: { jobId: j.id, priority: j.priority } })));
  }

  async countUnfinished(tenant: string): Promise<number> {
    const ids = await this.tenantJobs.members(tenant);
    if (ids.length === 0) return 0;
    const [finished, present] = await Promise.all([this.outcomes.exists(ids), this.present(ids)]);
    const gone = ids.filter((_, i) => finished[i] || !present[i]);
    await this.tenantJobs.remove(tenant, gone);
    return ids.length - gone.length;
  }

  /** Whether Bull still holds each job (its hash). */
  private async present(ids: readonly string[]): Promise<boolean[]> {
    const pipeline = this.queue.client.pipeline();
    for (const id of ids) pipeline.exists(this.queue.toKey(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([err, n]) => {
      if (err) throw err;
      return n === 1;
    });
  }

  async find(id: string): Promise<StoredJob | undefined> {
    let job = await this.queue.getJob(id);
    if (!job) return undefined;
    const state = toState(await job.getState());
    // The hash was read before the state: a job that finished in between is read again.
    if ((state === 'failed' || state === 'completed') && !job.finishedOn) job = (await this.queue.getJob(id)) ?? job;
    return storedBullJob(job, state);
  }

  async removeWaiting(id: string): Promise<RemoveResult> {
    const job = await this.queue.getJob(id);
    if (!job) return { removed: false };
    const state = await job.getState();
    if (!CANCELLABLE.includes(state)) return { removed: false, state: toState(state) };
    try {
      await job.remove();
    } catch {
      return { removed: false, state: 'active' }; // it started while being removed
    }
    return { removed: true, job: storedBullJob(job, toState(state)) };
  }

  /**
   * Runs `op` against Redis, or answers 503 rather than let the request hang while Redis is away
   * or does not answer. `unsure` tells the client what a late answer may still have done.
   */
  async guard<T>(unsure: string | undefined, op: () => Promise<T>): Promise<T> {
    await this.ensureConnected();
    // a late answer (once Redis is back) is ignored
    return withTimeout(
      op(),
      ANSWER_WAIT_MS,
      () =>
        new UnavailableError(
          `the jobs queue's Redis did not answer within ${ANSWER_WAIT_MS} ms${unsure ? ` (${unsure})` : ''}; try again shortly`,
          { retryAfterSeconds: 2 },
        ),
    );
  }

  private async ensureConnected(): Promise<void> {
    const client = this.queue.client;
    if (client.status === 'ready') return;
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(false), CONNECT_WAIT_MS);
      const onReady = (): void => done(true);
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        client.off('ready', onReady);
        resolve(ok);
      };
      client.on('ready', onReady);
    });
    if (!ready) {
      throw new UnavailableError(`the jobs queue's Redis is unreachable (connection ${client.status}); try again shortly`, {
        retryAfterSeconds: 2,
      });
    }
  }
}

function toState(state: string): JobState {
  return state === 'stuck' ? 'waiting' : (state as JobState);
}
