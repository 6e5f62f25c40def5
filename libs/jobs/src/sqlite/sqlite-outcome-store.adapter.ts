import type { Statement } from 'better-sqlite3';
import type { JobRecord } from '../interfaces/job-record.interface';
import type { OutcomeStore, StoreResult } from '../interfaces/job-store.interface';
import type { SqliteJobsDatabase } from './sqlite-database.adapter';

/**
 * Outcome records in SQLite, written once: the insert of the record and the append to its result
 * stream (next sequence number) are one transaction.
 */
export class SqliteOutcomeStore implements OutcomeStore {
  private readonly insert: Statement;
  private readonly nextSeq: Statement;
  private readonly append: Statement;
  private readonly read: Statement;
  private readonly storeOnce: (record: JobRecord, streamId: string | undefined, now: number) => StoreResult;

  constructor(
    private readonly database: SqliteJobsDatabase,
    private readonly ttlMs: number,
  ) {
    const db = database.db;
    this.insert = db.prepare('INSERT INTO outcomes (job_id, record, expires_at) VALUES (?, ?, ?) ON CONFLICT (job_id) DO NOTHING');
    this.nextSeq = db.prepare(
      'INSERT INTO streams (stream_id, last_seq, expires_at) VALUES (?, 1, ?) ON CONFLICT (stream_id) DO UPDATE SET last_seq = last_seq + 1, expires_at = excluded.expires_at RETURNING last_seq',
    );
    this.append = db.prepare('INSERT INTO stream_entries (stream_id, seq, record, expires_at) VALUES (?, ?, ?, ?)');
    this.read = db.prepare('SELECT record FROM outcomes WHERE job_id = ?').pluck();
    this.storeOnce = db.transaction((record: JobRecord, streamId: string | undefined, now: number): StoreResult => {
      const text = JSON.stringify(record);
      const expiresAt = now + this.ttlMs;
      if (this.insert.run(record.jobId, text, expiresAt).changes === 0) return { stored: false };
      if (streamId === undefined) return { stored: true };
      const seq = (this.nextSeq.get(streamId, expiresAt) as { last_seq: number }).last_seq;
      this.append.run(streamId, seq, text, expiresAt);
      return { stored: true, seq };
    });
  }

  async store(record: JobRecord, streamId: string | undefined): Promise<StoreResult> {
    const result = this.storeOnce(record, streamId, Date.now());
    if (result.seq !== undefined) this.database.events.emit('appended', streamId!);
    return result;
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    const text = this.read.get(jobId) as string | undefined;
    return text ? (JSON.parse(text) as JobRecord) : undefined;
  }

  async exists(jobIds: readonly string[]): Promise<boolean[]> {
    return jobIds.map((id) => this.read.get(id) !== undefined);
  }
}
