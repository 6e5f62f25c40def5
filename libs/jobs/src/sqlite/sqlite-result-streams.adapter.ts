import { Logger } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import type { JobRecord } from '../interfaces/job-record.interface';
import type { ResultStreams, StreamEntry, StreamFollower } from '../interfaces/result-streams.interface';
import type { SqliteJobsDatabase } from './sqlite-database.adapter';

const READ_COUNT = 100;
/** A follower reads again after this long even without a signal (a missed one costs this much). */
const IDLE_READ_MS = 1000;

/**
 * Result streams in SQLite: entries keyed by (stream, seq). A follower reads the entries after its
 * position in pages, and waits for the store's "appended" signal (the only writer is this process)
 * before reading again.
 */
export class SqliteResultStreams implements ResultStreams {
  private readonly logger = new Logger(SqliteResultStreams.name);
  private readonly last: Statement;
  private readonly page: Statement;

  constructor(private readonly database: SqliteJobsDatabase) {
    this.last = database.db.prepare('SELECT last_seq FROM streams WHERE stream_id = ?').pluck();
    this.page = database.db.prepare('SELECT seq, record FROM stream_entries WHERE stream_id = ? AND seq > ? ORDER BY seq LIMIT ?');
  }

  async lastSeq(streamId: string): Promise<number> {
    return (this.last.get(streamId) as number | undefined) ?? 0;
  }

  follow(streamId: string, after: number, deliver: (entry: StreamEntry) => Promise<void>, onError: (err: Error) => void): StreamFollower {
    const events = this.database.events;
    let position = after;
    let closed = false;
    let wake: (() => void) | undefined;
    // set by an append that came while a page was read: the next read follows at once
    let signalled = false;
    const onAppended = (id: string): void => {
      if (id !== streamId) return;
      signalled = true;
      wake?.();
    };
    events.on('appended', onAppended);
    const idle = (): Promise<void> =>
      new Promise((resolve) => {
        if (signalled) return resolve();
        const timer = setTimeout(() => ((wake = undefined), resolve()), IDLE_READ_MS);
        wake = () => {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        };
      });
    const loop = async (): Promise<void> => {
      while (!closed) {
        let rows: { seq: number; record: string }[] = [];
        signalled = false;
        try {
          if (!this.database.open) return;
          rows = this.page.all(streamId, position, READ_COUNT) as { seq: number; record: string }[];
        } catch (err) {
          onError(err as Error);
        }
        for (const row of rows) {
          if (closed) return;
          await deliver({ seq: row.seq, record: JSON.parse(row.record) as JobRecord });
          position = row.seq;
        }
        if (rows.length < READ_COUNT && !closed) await idle();
      }
    };
    loop().catch((err: Error) => this.logger.error(`stream ${streamId}: ${err.message}`));
    return {
      close: async () => {
        closed = true;
        events.off('appended', onAppended);
        wake?.();
      },
    };
  }
}
