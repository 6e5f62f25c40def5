import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import { type Caller, ForbiddenError, NotFoundError, UnavailableError } from '@switchyard/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import type { JobOptions, Queue } from 'bull';
import { JobConflictError } from '../errors/job-conflict.error';
import { JOBS_QUEUE } from '../jobs.constants';
import type { JobPayload } from '../interfaces/job-payload.interface';
import type { JobRecord } from '../interfaces/job-record.interface';
import type { JobRequestSpec, SubmitOptions, SubmitResult } from '../interfaces/job-submission.interface';
import type { JobState, JobView } from '../interfaces/job-view.interface';
import type { JobsApi } from '../interfaces/jobs-api.interface';
import { IdempotencyKeys } from '../results/idempotency-keys.adapter';
import { JobOutcomeStore } from '../results/job-outcome-store.adapter';
import { toJobView } from '../results/job-view.mapper';
import { jobBody } from '../submission/job-body';
import { jobIds, keyHash, submissionFingerprint } from '../submission/job-ids';
import { withTimeout } from '../timeouts/with-timeout';
import { JobRequestValidator } from '../submission/job-request.validator';
import { readJobSubmission } from '../submission/read-job-submission';

const JOB_ID = /^[\w-]{1,128}$/;
/** How long a request waits for a Redis connection that is being (re)established. */
const CONNECT_WAIT_MS = 2000;
/**
 * How long one API call waits for Redis's answers. Commands sent on a connection that died
 * unnoticed (or to a Redis that hangs) are held by ioredis until it reconnects, with no limit.
 */
const ANSWER_WAIT_MS = 3000;
const CANCELLABLE: readonly string[] = ['waiting', 'delayed', 'paused'];

/** The jobs API on the shared Bull queue (see JobsApi for the rules). */
@Injectable()
export class RedisJobsService implements JobsApi {
  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    @InjectQueue(JOBS_QUEUE) private readonly queue: Queue<JobPayload>,
    private readonly validator: JobRequestValidator,
    private readonly outcomes: JobOutcomeStore,
    private readonly keys: IdempotencyKeys,
  ) {}

  async submit(body: unknown, options: SubmitOptions): Promise<SubmitResult> {
    const limits = { maxBatch: this.config.jobs.maxBatch, defaultPriority: this.config.scheduler.defaultPriorityLevel };
    const { requests, idempotencyKey } = readJobSubmission(jobBody(body, options.inferenceHeaderLength), limits, options.idempotencyKey);
    for (const [i, spec] of requests.entries()) await this.validator.validate(spec, requests.length > 1 ? `requests[${i}]` : undefined);
    if (options.caller) requests.forEach((spec, i) => admitForTenant(spec, options.caller!, requests.length > 1 ? `requests[${i}]` : undefined));
    const tenant = options.caller?.tenant;
    return this.onRedis('the jobs were maybe not enqueued: send them again with the same Idempotency-Key to enqueue them once', () =>
      this.enqueue(requests, idempotencyKey, options.streamId, tenant),
    );
  }

  async get(id: string, tenant?: string): Promise<JobView> {
    checkJobId(id);
    return this.onRedis(undefined, () => this.read(id, tenant));
  }

  async cancel(id: string, tenant?: string): Promise<JobView> {
    checkJobId(id);
    return this.onRedis('the job was maybe cancelled: ask for it again', () => this.remove(id, tenant));
  }

  private async enqueue(requests: JobRequestSpec[], idempotencyKey: string | undefined, streamId: string | undefined, tenant: string | undefined): Promise<SubmitResult> {
    let ids = jobIds(requests.length);
    let replayed = false;
    if (idempotencyKey !== undefined) {
      const fingerprint = submissionFingerprint(requests);
      const claim = await this.keys.claim(keyHash(idempotencyKey, tenant), fingerprint, ids);
      if (!claim.first && claim.fingerprint !== fingerprint) {
        throw new JobConflictError('this idempotency key was already used for a different submission');
      }
      replayed = !claim.first;
      ids = claim.jobIds;
    }
    // A replay adds again what may be missing (a first attempt cut short); Bull skips ids that
    // exist, and jobs whose outcome is stored are not added back.
    const done = replayed ? await this.outcomes.exists(ids) : [];
    const now = Date.now();
    const jobs = requests
      .map((spec, i) => ({ data: this.payload(spec, now, streamId, tenant), opts: this.jobOptions(spec, ids[i]) }))
      .filter((_, i) => !done[i]);
    if (jobs.length > 0) await this.queue.addBulk(jobs);
    return { jobIds: ids, replayed };
  }

  private async read(id: string, tenant: string | undefined): Promise<JobView> {
    let { job, record } = await this.find(id, tenant);
    if (record) return toJobView(id, job, record, record.state);
    const state = toState(await job!.getState());
    // The hash was read before the state: a job that finished in between is read again.
    if ((state === 'failed' || state === 'completed') && !job!.finishedOn) job = (await this.queue.getJob(id)) ?? job;
    record = await this.outcomes.get(id);
    return toJobView(id, job, record, record?.state ?? state);
  }

  private async remove(id: string, tenant: string | undefined): Promise<JobView> {
    const { job, record } = await this.find(id, tenant);
    if (record?.state === 'cancelled') return toJobView(id, job, record, 'cancelled');
    if (record) throw new JobConflictError(`job ${id} is ${record.state}; only a job that has not started can be cancelled`);
    const state = await job!.getState();
    if (!CANCELLABLE.includes(state)) throw new JobConflictError(`job ${id} is ${toState(state)}; only a job that has not started can be cancelled`);
    try {
      await job!.remove();
    } catch {
      throw new JobConflictError(`job ${id} started while it was being cancelled`);
    }
    const data = job!.data;
    const cancelled: JobRecord = {
      jobId: id,
      state: 'cancelled',
      model: data.model,
      version: data.version,
      ...(data.tenant !== undefined ? { tenant: data.tenant } : {}),
      node: this.config.jobs.nodeId,
      timings: { submittedAt: data.submittedAt, finishedAt: Date.now() },
    };
    await this.outcomes.store(cancelled, data.streamId);
    return toJobView(id, null, (await this.outcomes.get(id)) ?? cancelled, 'cancelled');
  }

  /** The job and its outcome record; another tenant's job is as unknown as a missing one. */
  private async find(id: string, tenant: string | undefined) {
    const [job, record] = await Promise.all([this.queue.getJob(id), this.outcomes.get(id)]);
    const owner = record?.tenant ?? job?.data.tenant;
    if ((!job && !record) || (tenant !== undefined && owner !== tenant)) {
      throw new NotFoundError(`unknown job "${id}" (finished jobs are kept ${this.config.jobs.resultTtlSeconds} s)`);
    }
    return { job, record };
  }

  private payload(spec: JobRequestSpec, now: number, streamId: string | undefined, tenant: string | undefined): JobPayload {
    return {
      model: spec.model,
      ...(spec.version !== undefined ? { version: spec.version } : {}),
      request: spec.request,
      submittedAt: now,
      ...(spec.deadlineMs !== undefined ? { deadlineAt: now + spec.deadlineMs } : {}),
      ...(streamId !== undefined ? { streamId } : {}),
      acceptedBy: this.config.jobs.nodeId,
      ...(tenant !== undefined ? { tenant } : {}),
    };
  }

  private jobOptions(spec: JobRequestSpec, jobId: string): JobOptions {
    return { jobId, priority: spec.priority };
  }

  /**
   * Runs `op` against Redis, or answers 503 rather than let the request hang while Redis is away
   * or does not answer. `unsure` tells the client what a late answer may still have done.
   */
  private async onRedis<T>(unsure: string | undefined, op: () => Promise<T>): Promise<T> {
    await this.ensureConnected();
    // a late answer (once Redis is back) is ignored
    return withTimeout(op(), ANSWER_WAIT_MS, () =>
      new UnavailableError(`the jobs queue's Redis did not answer within ${ANSWER_WAIT_MS} ms${unsure ? ` (${unsure})` : ''}; try again shortly`, { retryAfterSeconds: 2 }),
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
      throw new UnavailableError(`the jobs queue's Redis is unreachable (connection ${client.status}); try again shortly`, { retryAfterSeconds: 2 });
    }
  }
}

/**
 * A tenant's bounds on one request of a submission: its model and pinned device allow-lists
 * (403) and its priority ceiling (a higher queue priority is lowered to it).
 */
function admitForTenant(spec: JobRequestSpec, caller: Caller, where: string | undefined): void {
  const at = where ? `${where}: ` : '';
  if (!caller.mayUseModel(spec.model)) throw new ForbiddenError(`${at}tenant "${caller.tenant}" may not use model "${spec.model}"`);
  const device = (spec.request.parameters as Record<string, unknown> | undefined)?.device;
  if (typeof device === 'string' && !caller.mayUseDevice(device)) throw new ForbiddenError(`${at}tenant "${caller.tenant}" may not run on device "${device}"`);
  if (caller.maxPriority !== undefined && spec.priority < caller.maxPriority) spec.priority = caller.maxPriority;
}

function checkJobId(id: string): void {
  if (!JOB_ID.test(id)) throw new NotFoundError(`unknown job "${id.slice(0, 130)}"`);
}

function toState(state: string): JobState {
  return state === 'stuck' ? 'waiting' : (state as JobState);
}
