import { UnavailableError } from '@switchyard/common';
import type { Statement } from 'better-sqlite3';
import type { JobStore, KeyClaim, NewJob, RemoveResult, StoredJob } from '../interfaces/job-store.interface';
import type { SqliteJobsDatabase } from './sqlite-database.adapter';
import { decodeKeyClaim, encodeKeyClaim } from '../submission/key-claim-value';
import { type SqliteJobRow, toStoredJob } from './sqlite-job-row';
import { SqliteOutcomeStore } from './sqlite-outcome-store.adapter';

export interface SqliteJobStoreOptions {
  /** Attempts of a job that fails with a transient error. */
  attempts: number;
  /** Retention of finished jobs, outcomes, stream entries and idempotency keys, ms. */
  ttlMs: number;
}

/** The JobStore in the embedded SQLite file of a single node (see JobStore for the rules). */
export class SqliteJobStore implements JobStore {
  readonly outcomes: SqliteOutcomeStore;
  private readonly insertJob: Statement;
  private readonly selectJob: Statement;
  private readonly deleteWaiting: Statement;
  private readonly claim: Statement;
  private readonly heldKey: Statement;
  private readonly unfinished: Statement;
  private readonly addAll: (jobs: readonly NewJob[], now: number) => number;

  constructor(
    private readonly database: SqliteJobsDatabase,
    private readonly options: SqliteJobStoreOptions,
  ) {
    const db = database.db;
    this.outcomes = new SqliteOutcomeStore(database, options.ttlMs);
    this.insertJob = db.prepare(
      'INSERT INTO jobs (id, state, priority, run_at, payload, max_attempts) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
    );
    this.selectJob = db.prepare('SELECT * FROM jobs WHERE id = ?');
    this.deleteWaiting = db.prepare("DELETE FROM jobs WHERE id = ? AND state = 'waiting' RETURNING *");
    // a key whose claim expired (not yet swept) is claimed again
    this.claim = db.prepare(
      'INSERT INTO idempotency_keys (key_hash, fingerprint, expires_at) VALUES (?, ?, ?) ON CONFLICT (key_hash) DO UPDATE SET fingerprint = excluded.fingerprint, expires_at = excluded.expires_at WHERE idempotency_keys.expires_at < ?',
    );
    this.heldKey = db.prepare('SELECT fingerprint FROM idempotency_keys WHERE key_hash = ?').pluck();
    this.unfinished = db
      .prepare(
        "SELECT COUNT(*) FROM jobs WHERE state IN ('waiting', 'active') AND json_extract(payload, '$.tenant') = ? AND NOT EXISTS (SELECT 1 FROM outcomes WHERE outcomes.job_id = jobs.id)",
      )
      .pluck();
    this.addAll = db.transaction((jobs: readonly NewJob[], now: number) => {
      let added = 0;
      for (const j of jobs)
        added += this.insertJob.run(j.id, 'waiting', j.priority, now, JSON.stringify(j.payload), this.options.attempts).changes;
      return added;
    });
  }

  async claimKey(keyHash: string, fingerprint: string, jobIds: readonly string[]): Promise<KeyClaim> {
    const now = Date.now();
    const value = encodeKeyClaim(fingerprint, jobIds);
    if (this.claim.run(keyHash, value, now + this.options.ttlMs, now).changes === 1)
      return { first: true, fingerprint, jobIds: [...jobIds] };
    return { first: false, ...decodeKeyClaim(this.heldKey.get(keyHash) as string) };
  }

  async countUnfinished(tenant: string): Promise<number> {
    return this.unfinished.get(tenant) as number;
  }

  async add(jobs: readonly NewJob[]): Promise<void> {
    if (jobs.length > 0 && this.addAll(jobs, Date.now()) > 0) this.database.events.emit('added');
  }

  async find(id: string): Promise<StoredJob | undefined> {
    const row = this.selectJob.get(id) as SqliteJobRow | undefined;
    return row ? toStoredJob(row) : undefined;
  }

  async removeWaiting(id: string): Promise<RemoveResult> {
    const row = this.deleteWaiting.get(id) as SqliteJobRow | undefined;
    if (row) return { removed: true, job: toStoredJob(row) };
    const held = this.selectJob.get(id) as SqliteJobRow | undefined;
    return held ? { removed: false, state: toStoredJob(held).state } : { removed: false };
  }

  /** SQLite answers at once or fails (disk full, file gone): a failure is a 503 with the reason. */
  async guard<T>(unsure: string | undefined, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      if (!(err instanceof Error) || !('code' in err) || !String(err.code).startsWith('SQLITE_')) throw err;
      throw new UnavailableError(`the jobs store ${this.database.path} failed: ${err.message}${unsure ? ` (${unsure})` : ''}`, {
        retryAfterSeconds: 2,
      });
    }
  }
}
