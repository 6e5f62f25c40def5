import type { JobRecord } from './job-record.interface';

/** One entry of a result stream: its per-stream sequence number (1, 2, ...) and the outcome. */
export interface StreamEntry {
  seq: number;
  record: JobRecord;
}

/** A running read of a stream; `close` stops it (the pending read is aborted). */
export interface StreamFollower {
  close(): Promise<void>;
}

/**
 * Per-stream outcomes in the jobs store, Redis or SQLite (token RESULT_STREAMS). Entries are appended once per job, in the
 * order jobs finish, and kept for the result TTL.
 */
export interface ResultStreams {
  /** Highest sequence number of the stream so far (0 when empty or unknown). */
  lastSeq(streamId: string): Promise<number>;
  /**
   * Delivers every entry with seq > `after`, in order, then new ones as they arrive, until
   * closed. `deliver` is awaited before the next entry; `onError` gets a read failure (the
   * follower keeps trying).
   */
  follow(streamId: string, after: number, deliver: (entry: StreamEntry) => Promise<void>, onError: (err: Error) => void): StreamFollower;
}
