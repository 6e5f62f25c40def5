import { Inject, Injectable } from '@nestjs/common';
import { type Caller, ForbiddenError, NotFoundError, OverloadedError } from '@switchyard/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { JobConflictError } from '../errors/job-conflict.error';
import { JOB_STORE } from '../jobs.tokens';
import type { JobPayload } from '../interfaces/job-payload.interface';
import type { JobRecord } from '../interfaces/job-record.interface';
import type { JobStore } from '../interfaces/job-store.interface';
import type { JobRequestSpec, SubmitOptions, SubmitResult } from '../interfaces/job-submission.interface';
import type { JobView } from '../interfaces/job-view.interface';
import type { JobsApi } from '../interfaces/jobs-api.interface';
import { toJobView } from '../results/job-view.mapper';
import { jobBody } from '../submission/job-body';
import { jobIds, keyHash, submissionFingerprint } from '../submission/job-ids';
import { JobRequestValidator } from '../submission/job-request.validator';
import { readJobSubmission } from '../submission/read-job-submission';

const JOB_ID = /^[\w-]{1,128}$/;

/** The jobs API on the configured JobStore, Redis or SQLite (see JobsApi for the rules). */
@Injectable()
export class JobsService implements JobsApi {
  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    @Inject(JOB_STORE) private readonly store: JobStore,
    private readonly validator: JobRequestValidator,
  ) {}

  async submit(body: unknown, options: SubmitOptions): Promise<SubmitResult> {
    const limits = { maxBatch: this.config.jobs.maxBatch, defaultPriority: this.config.scheduler.defaultPriorityLevel };
    const { requests, idempotencyKey } = readJobSubmission(jobBody(body, options.inferenceHeaderLength), limits, options.idempotencyKey);
    const where = (i: number) => (requests.length > 1 ? `requests[${i}]` : undefined);
    for (const [i, spec] of requests.entries()) await this.validator.validate(spec, where(i));
    const { caller } = options;
    if (caller) requests.forEach((spec, i) => admitForTenant(spec, caller, where(i)));
    return this.store.guard('the jobs were maybe not enqueued: send them again with the same Idempotency-Key to enqueue them once', () =>
      this.enqueue(requests, idempotencyKey, options.streamId, caller),
    );
  }

  async get(id: string, tenant?: string): Promise<JobView> {
    checkJobId(id);
    return this.store.guard(undefined, () => this.read(id, tenant));
  }

  async cancel(id: string, tenant?: string): Promise<JobView> {
    checkJobId(id);
    return this.store.guard('the job was maybe cancelled: ask for it again', () => this.remove(id, tenant));
  }

  private async enqueue(
    requests: JobRequestSpec[],
    idempotencyKey: string | undefined,
    streamId: string | undefined,
    caller: Caller | undefined,
  ): Promise<SubmitResult> {
    const tenant = caller?.tenant;
    if (caller?.maxQueuedJobs !== undefined) await this.checkQueued(caller, caller.maxQueuedJobs, requests.length);
    let ids = jobIds(requests.length);
    let replayed = false;
    if (idempotencyKey !== undefined) {
      const fingerprint = submissionFingerprint(requests);
      const claim = await this.store.claimKey(keyHash(idempotencyKey, tenant), fingerprint, ids);
      if (!claim.first && claim.fingerprint !== fingerprint) {
        throw new JobConflictError('this idempotency key was already used for a different submission');
      }
      replayed = !claim.first;
      ids = claim.jobIds;
    }
    // A replay adds again what may be missing (a first attempt cut short); the store skips ids
    // that exist, and jobs whose outcome is stored are not added back.
    const done = replayed ? await this.store.outcomes.exists(ids) : [];
    const now = Date.now();
    const jobs = requests
      .map((spec, i) => ({ id: ids[i], payload: this.payload(spec, now, streamId, tenant), priority: spec.priority }))
      .filter((_, i) => !done[i]);
    await this.store.add(jobs);
    return { jobIds: ids, replayed };
  }

  /**
   * The tenant's `jobs_queued` limit: 429 when this submission would take its unfinished jobs
   * over it. Checked before enqueueing, so concurrent submissions may pass it by their size.
   */
  private async checkQueued(caller: Caller, limit: number, adding: number): Promise<void> {
    const unfinished = await this.store.countUnfinished(caller.tenant);
    if (unfinished + adding > limit) {
      throw new OverloadedError(
        `tenant "${caller.tenant}" has ${unfinished} unfinished jobs; ${adding} more would pass its jobs_queued limit of ${limit}`,
        { retryAfterSeconds: 1 },
      );
    }
  }

  private async read(id: string, tenant: string | undefined): Promise<JobView> {
    const { job, record } = await this.find(id, tenant);
    if (record) return toJobView(id, job, record, record.state);
    // The outcome was read before the job's state: one written in between is read again.
    const late = await this.store.outcomes.get(id);
    return toJobView(id, job, late, late?.state ?? job!.state);
  }

  private async remove(id: string, tenant: string | undefined): Promise<JobView> {
    const { job, record } = await this.find(id, tenant);
    if (record?.state === 'cancelled') return toJobView(id, job, record, 'cancelled');
    if (record) throw new JobConflictError(`job ${id} is ${record.state}; only a job that has not started can be cancelled`);
    const removal = await this.store.removeWaiting(id);
    if (!removal.removed)
      throw new JobConflictError(`job ${id} is ${removal.state ?? 'gone'}; only a job that has not started can be cancelled`);
    const data = removal.job.payload;
    const cancelled: JobRecord = {
      jobId: id,
      state: 'cancelled',
      model: data.model,
      version: data.version,
      ...(data.tenant !== undefined ? { tenant: data.tenant } : {}),
      node: this.config.jobs.nodeId,
      timings: { submittedAt: data.submittedAt, finishedAt: Date.now() },
    };
    await this.store.outcomes.store(cancelled, data.streamId);
    return toJobView(id, undefined, (await this.store.outcomes.get(id)) ?? cancelled, 'cancelled');
  }

  /** The job and its outcome record; another tenant's job is as unknown as a missing one. */
  private async find(id: string, tenant: string | undefined) {
    const [job, record] = await Promise.all([this.store.find(id), this.store.outcomes.get(id)]);
    const owner = record?.tenant ?? job?.payload.tenant;
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
      priority: spec.priority,
      acceptedBy: this.config.jobs.nodeId,
      ...(tenant !== undefined ? { tenant } : {}),
    };
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
  if (typeof device === 'string' && !caller.mayUseDevice(device)) {
    throw new ForbiddenError(`${at}tenant "${caller.tenant}" may not run on device "${device}"`);
  }
  if (caller.maxPriority !== undefined && spec.priority < caller.maxPriority) spec.priority = caller.maxPriority;
}

function checkJobId(id: string): void {
  if (!JOB_ID.test(id)) throw new NotFoundError(`unknown job "${id.slice(0, 130)}"`);
}
