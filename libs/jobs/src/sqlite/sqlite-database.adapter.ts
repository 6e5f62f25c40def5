import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
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
 * cut or an OS crash). The file is opened in exclusive locking mode: a second process on the same
 * folder fails at start instead of taking the first one's jobs.
 */
export class SqliteJobsDatabase {
  readonly db: Database.Database;
  readonly events = new EventEmitter<SqliteJobsEvents>();
  readonly path: string;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.path = join(dataDir, SQLITE_FILE);
    this.events.setMaxListeners(0);
    const nativeBinding = sqliteNativeBinding();
    this.db = new Database(this.path, { timeout: 1000, ...(nativeBinding ? { nativeBinding } : {}) });
    try {
      // before WAL: in exclusive mode SQLite keeps the WAL index in memory, no -shm file
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(SQLITE_SCHEMA);
    } catch (err) {
      this.db.close();
      const busy = (err as { code?: string }).code === 'SQLITE_BUSY';
      throw new Error(busy ? `${this.path} is used by another process: one Switchyard process per SWITCHYARD_DATA_DIR (or set SWITCHYARD_REDIS_URL for many nodes)` : `cannot open the jobs store ${this.path}: ${(err as Error).message}`);
    }
  }

  get open(): boolean {
    return this.db.open;
  }

  /** Deletes up to a batch of expired rows per table; returns how many went. */
  sweep(now = Date.now()): number {
    let removed = 0;
    for (const table of EXPIRING_TABLES) {
      removed += this.db.prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE expires_at < ? LIMIT ${SWEEP_BATCH})`).run(now).changes;
    }
    return removed;
  }

  close(): void {
    if (this.db.open) this.db.close();
    this.events.removeAllListeners();
  }
}
