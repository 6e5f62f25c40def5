import type { JobPayload } from './job-payload.interface';
import type { JobProgress } from './job-progress.interface';
import type { JobRecord } from './job-record.interface';
import type { JobState } from './job-view.interface';

/** A job to add: its id (random), payload and queue priority. */
export interface NewJob {
  id: string;
  payload: JobPayload;
  /** 1 is the highest; equal priorities run in the order they were added. */
  priority: number;
}

/** A job the queue holds (queued, running, or finished and not yet expired). */
export interface StoredJob {
  payload: JobPayload;
  /** The queue's state; a stored outcome record wins over it. */
  state: JobState;
  priority?: number;
  /** Failed attempts so far. */
  attemptsMade: number;
  maxAttempts: number;
  progress: Partial<JobProgress>;
  /** Epoch ms the current (or last) attempt was taken. */
  processedOn?: number;
  /** Epoch ms the job ended (completed or failed for good). */
  finishedOn?: number;
  failedReason?: string;
  /** "Name: message" of each failed attempt, oldest first. */
  reasons: string[];
}

/** What the first submission under an idempotency key was. */
export interface KeyClaim {
  /** True when this call claimed the key (a first submission). */
  first: boolean;
  /** Fingerprint of the submission that claimed it. */
  fingerprint: string;
  /** Job ids of the submission that claimed it (a replay answers with them). */
  jobIds: string[];
}

/** What a store attempt did. */
export interface StoreResult {
  /** False when an outcome was already stored (this one was dropped). */
  stored: boolean;
  /** Sequence number in the job's result stream, when it was appended to one. */
  seq?: number;
}

/**
 * Outcome records, written once per job.
 *
 * @remarks `store` is atomic: when `streamId` is given the record is appended to that result
 * stream with the stream's next sequence number in the same step, and a second outcome for the
 * same job (two deliveries of one job) changes nothing and answers `stored: false`.
 */
export interface OutcomeStore {
  store(record: JobRecord, streamId: string | undefined): Promise<StoreResult>;
  get(jobId: string): Promise<JobRecord | undefined>;
  exists(jobIds: readonly string[]): Promise<boolean[]>;
}

/** What `removeWaiting` did: the removed job, or the state that kept it (undefined: unknown id). */
export type RemoveResult = { removed: true; job: StoredJob } | { removed: false; state?: JobState };

/**
 * Where jobs, outcomes and idempotency keys live (token JOB_STORE): Bull on Redis, shared by many
 * nodes, or the embedded SQLite store of a single node. Both pass the conformance suite
 * (job-store.conformance.ts); results/ and stream/ do not know which one runs.
 *
 * @remarks
 * - `add` skips ids that exist (a replayed submission adds only what is missing).
 * - `claimKey` is atomic: of two concurrent claims of a key, one is first, and every later claim
 *   gets the first one's fingerprint and job ids. Keys expire with the results (the result
 *   TTL), after which the key is free again.
 * - `countUnfinished` counts a tenant's jobs (payload.tenant) that were added, not removed and
 *   have no outcome yet, on every node of the store (the `jobs_queued` limit).
 * - `removeWaiting` removes a job that has not started (waiting or delayed) and nothing else.
 * - `guard` runs one API call's operations; a store that can be away (Redis) answers 503 within
 *   seconds instead of hanging, `unsure` telling the client what a late answer may still do.
 */
export interface JobStore {
  readonly outcomes: OutcomeStore;
  guard<T>(unsure: string | undefined, op: () => Promise<T>): Promise<T>;
  claimKey(keyHash: string, fingerprint: string, jobIds: readonly string[]): Promise<KeyClaim>;
  countUnfinished(tenant: string): Promise<number>;
  add(jobs: readonly NewJob[]): Promise<void>;
  find(id: string): Promise<StoredJob | undefined>;
  removeWaiting(id: string): Promise<RemoveResult>;
}
