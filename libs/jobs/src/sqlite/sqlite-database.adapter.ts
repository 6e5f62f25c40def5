import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteFileLock } from './sqlite-file-lock.adapter';
import { sqliteNativeBinding } from './sqlite-native-binding';
import { EXPIRING_TABLES, SQLITE_SCHEMA } from './sqlite-schema';

/** File of the store inside the data folder. */
export const SQLITE_FILE = 'jobs.sqlite';
const SWEEP_BATCH = 500;

/** What the store signals within the process (one process owns the file). */
export interface SqliteJobsEvents {
  /** Jobs were added or became due: the consumer looks for work. */
  added: [];
  /** An outcome was appended to this stream. */
  appended: [streamId: string];
}

/**
 * The embedded jobs store's SQLite file (SWITCHYARD_DATA_DIR/jobs.sqlite). WAL journal: a commit
 * survives a kill -9 of the process (synchronous=NORMAL loses the last commits only on a power
 * cut or an OS crash). One process owns the file (a lock file): a second one on the same folder
 * fails at start instead of taking the first one's running jobs; readers (sqlite3 .backup) may
 * open it meanwhile.
 */
export class SqliteJobsDatabase {
  readonly db: Database.Database;
  readonly events = new EventEmitter<SqliteJobsEvents>();
  readonly path: string;
  private readonly lock: SqliteFileLock;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.path = join(dataDir, SQLITE_FILE);
    this.events.setMaxListeners(0);
    try {
      this.lock = SqliteFileLock.acquire(this.path);
    } catch (err) {
      throw new Error(
        `${(err as Error).message}: one Switchyard process per SWITCHYARD_DATA_DIR (set SWITCHYARD_REDIS_URL for many nodes)`,
      );
    }
    const nativeBinding = sqliteNativeBinding();
    try {
      this.db = new Database(this.path, { timeout: 1000, ...(nativeBinding ? { nativeBinding } : {}) });
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(SQLITE_SCHEMA);
    } catch (err) {
      if (this.db?.open) this.db.close();
      this.lock.release();
      throw new Error(`cannot open the jobs store ${this.path}: ${(err as Error).message}`);
    }
  }

  get open(): boolean {
    return this.db.open;
  }

  /** Deletes up to a batch of expired rows per table; returns how many went. */
  sweep(now = Date.now()): number {
    let removed = 0;
    for (const table of EXPIRING_TABLES) {
      removed += this.db
        .prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE expires_at < ? LIMIT ${SWEEP_BATCH})`)
        .run(now).changes;
    }
    return removed;
  }

  close(): void {
    if (this.db.open) this.db.close();
    this.lock.release();
    this.events.removeAllListeners();
  }
}
