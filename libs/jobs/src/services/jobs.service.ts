import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError } from '@switchyard/common';
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
    for (const [i, spec] of requests.entries()) await this.validator.validate(spec, requests.length > 1 ? `requests[${i}]` : undefined);
    return this.store.guard('the jobs were maybe not enqueued: send them again with the same Idempotency-Key to enqueue them once', () =>
      this.enqueue(requests, idempotencyKey, options.streamId),
    );
  }

  async get(id: string): Promise<JobView> {
    checkJobId(id);
    return this.store.guard(undefined, () => this.read(id));
  }

  async cancel(id: string): Promise<JobView> {
    checkJobId(id);
    return this.store.guard('the job was maybe cancelled: ask for it again', () => this.remove(id));
  }

  private async enqueue(
    requests: JobRequestSpec[],
    idempotencyKey: string | undefined,
    streamId: string | undefined,
  ): Promise<SubmitResult> {
    const ids = jobIds(requests.length, idempotencyKey);
    let replayed = false;
    if (idempotencyKey !== undefined) {
      const fingerprint = submissionFingerprint(requests);
      const claim = await this.store.claimKey(keyHash(idempotencyKey), fingerprint);
      if (!claim.first && claim.fingerprint !== fingerprint) {
        throw new JobConflictError('this idempotency key was already used for a different submission');
      }
      replayed = !claim.first;
    }
    // A replay adds again what may be missing (a first attempt cut short); the store skips ids
    // that exist, and jobs whose outcome is stored are not added back.
    const done = replayed ? await this.store.outcomes.exists(ids) : [];
    const now = Date.now();
    const jobs = requests
      .map((spec, i) => ({ id: ids[i], payload: this.payload(spec, now, streamId), priority: spec.priority }))
      .filter((_, i) => !done[i]);
    await this.store.add(jobs);
    return { jobIds: ids, replayed };
  }

  private async read(id: string): Promise<JobView> {
    const { job, record } = await this.find(id);
    if (record) return toJobView(id, job, record, record.state);
    // The outcome was read before the job's state: one written in between is read again.
    const late = await this.store.outcomes.get(id);
    return toJobView(id, job, late, late?.state ?? job!.state);
  }

  private async remove(id: string): Promise<JobView> {
    const { job, record } = await this.find(id);
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
      node: this.config.jobs.nodeId,
      timings: { submittedAt: data.submittedAt, finishedAt: Date.now() },
    };
    await this.store.outcomes.store(cancelled, data.streamId);
    return toJobView(id, undefined, (await this.store.outcomes.get(id)) ?? cancelled, 'cancelled');
  }

  private async find(id: string) {
    const [job, record] = await Promise.all([this.store.find(id), this.store.outcomes.get(id)]);
    if (!job && !record) throw new NotFoundError(`unknown job "${id}" (finished jobs are kept ${this.config.jobs.resultTtlSeconds} s)`);
    return { job, record };
  }

  private payload(spec: JobRequestSpec, now: number, streamId: string | undefined): JobPayload {
    return {
      model: spec.model,
      ...(spec.version !== undefined ? { version: spec.version } : {}),
      request: spec.request,
      submittedAt: now,
      ...(spec.deadlineMs !== undefined ? { deadlineAt: now + spec.deadlineMs } : {}),
      ...(streamId !== undefined ? { streamId } : {}),
      priority: spec.priority,
      acceptedBy: this.config.jobs.nodeId,
    };
  }
}

function checkJobId(id: string): void {
  if (!JOB_ID.test(id)) throw new NotFoundError(`unknown job "${id.slice(0, 130)}"`);
}
