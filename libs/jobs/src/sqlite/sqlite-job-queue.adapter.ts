import type { Statement } from 'better-sqlite3';
import type { JobProgress } from '../interfaces/job-progress.interface';
import type { SqliteJobsDatabase } from './sqlite-database.adapter';
import type { SqliteJobRow } from './sqlite-job-row';

/** Why an attempt failed: reasons keep "Name: message", the job's failed reason the message. */
export type AttemptError = Pick<Error, 'name' | 'message'>;

/** What start-up recovery did with the jobs a previous process left running. */
export interface Recovery {
  requeued: number;
  /** Jobs cut by process exits more often than allowed: failed now (their outcome is due). */
  failed: SqliteJobRow[];
}

/** Why a job fails after too many deliveries cut short (Bull's words for the same case). */
export const STALLED_MESSAGE = 'job stalled more than allowable limit';

/**
 * The consuming side of the SQLite queue: take due jobs in priority order (then oldest first),
 * record progress, retries and ends. Each call is one short indexed statement or transaction.
 */
export class SqliteJobQueue {
  private readonly due: Statement;
  private readonly activate: Statement;
  private readonly setProgress: Statement;
  private readonly setCompleted: Statement;
  private readonly setRetry: Statement;
  private readonly setFailed: Statement;
  private readonly active: Statement;
  private readonly requeue: Statement;
  private readonly takeDue: (limit: number, now: number) => SqliteJobRow[];
  private readonly recoverAll: (maxStalls: number, now: number) => Recovery;

  constructor(
    private readonly database: SqliteJobsDatabase,
    private readonly ttlMs: number,
  ) {
    const db = database.db;
    this.due = db.prepare("SELECT * FROM jobs WHERE state = 'waiting' AND run_at <= ? ORDER BY priority, rowid LIMIT ?");
    this.activate = db.prepare("UPDATE jobs SET state = 'active', processed_on = ?, progress = NULL WHERE id = ?");
    this.setProgress = db.prepare('UPDATE jobs SET progress = ? WHERE id = ?');
    this.setCompleted = db.prepare("UPDATE jobs SET state = 'completed', finished_on = ?, expires_at = ? WHERE id = ?");
    this.setRetry = db.prepare(
      "UPDATE jobs SET state = 'waiting', attempts_made = attempts_made + 1, reasons = json_insert(reasons, '$[#]', ?), failed_reason = ?, run_at = ? WHERE id = ?",
    );
    this.setFailed = db.prepare(
      "UPDATE jobs SET state = 'failed', attempts_made = attempts_made + ?, reasons = json_insert(reasons, '$[#]', ?), failed_reason = ?, finished_on = ?, expires_at = ? WHERE id = ? RETURNING *",
    );
    this.active = db.prepare("SELECT * FROM jobs WHERE state = 'active'");
    this.requeue = db.prepare("UPDATE jobs SET state = 'waiting', stalls = stalls + 1, run_at = ? WHERE id = ?");
    this.takeDue = db.transaction((limit: number, now: number) => {
      const rows = this.due.all(now, limit) as SqliteJobRow[];
      for (const row of rows) this.activate.run(now, row.id);
      return rows.map((row) => ({ ...row, state: 'active' as const, processed_on: now }));
    });
    this.recoverAll = db.transaction((maxStalls: number, now: number) => {
      const recovery: Recovery = { requeued: 0, failed: [] };
      for (const row of this.active.all() as SqliteJobRow[]) {
        if (row.stalls >= maxStalls) recovery.failed.push(this.fail(row.id, { name: 'Error', message: STALLED_MESSAGE }, false, now)!);
        else recovery.requeued += this.requeue.run(now, row.id).changes;
      }
      return recovery;
    });
  }

  /** Marks up to `limit` due jobs active and returns them. */
  take(limit: number, now = Date.now()): SqliteJobRow[] {
    return limit > 0 ? this.takeDue(limit, now) : [];
  }

  /**
   * Puts back the jobs a previous process was running when it ended (kill -9 included): they run
   * again, unless they were cut `maxStalls` times already (a job that crashes the process).
   */
  recover(maxStalls: number, now = Date.now()): Recovery {
    return this.recoverAll(maxStalls, now);
  }

  progress(id: string, value: JobProgress): void {
    this.setProgress.run(JSON.stringify(value), id);
  }

  complete(id: string, now = Date.now()): void {
    this.setCompleted.run(now, now + this.ttlMs, id);
  }

  /** Records a failed attempt and schedules the next at `runAt`. */
  retry(id: string, error: AttemptError, runAt: number): void {
    this.setRetry.run(`${error.name}: ${error.message}`, error.message, runAt, id);
    this.database.events.emit('added');
  }

  /** Ends a job as failed; `attempted`: the failure was an attempt (not a stall). */
  fail(id: string, error: AttemptError, attempted: boolean, now = Date.now()): SqliteJobRow | undefined {
    return this.setFailed.get(attempted ? 1 : 0, `${error.name}: ${error.message}`, error.message, now, now + this.ttlMs, id) as
      SqliteJobRow | undefined;
  }
}
