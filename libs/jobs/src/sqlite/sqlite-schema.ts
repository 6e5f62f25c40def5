/**
 * Tables of the embedded jobs store. Every query of the hot paths is served by an index (the
 * queue by (state, priority, rowid), expiry sweeps by expires_at), so that each synchronous
 * statement stays short and the event loop free.
 */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL,               -- waiting | active | completed | failed
  priority INTEGER NOT NULL,
  run_at INTEGER NOT NULL,           -- epoch ms; later than now: delayed (retry backoff)
  payload TEXT NOT NULL,
  attempts_made INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  stalls INTEGER NOT NULL DEFAULT 0, -- deliveries cut by a process exit
  progress TEXT,
  reasons TEXT NOT NULL DEFAULT '[]',
  processed_on INTEGER,
  finished_on INTEGER,
  failed_reason TEXT,
  expires_at INTEGER
);
CREATE INDEX IF NOT EXISTS jobs_queue ON jobs (state, priority);
CREATE INDEX IF NOT EXISTS jobs_expiry ON jobs (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS outcomes (
  job_id TEXT PRIMARY KEY,
  record TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outcomes_expiry ON outcomes (expires_at);
CREATE TABLE IF NOT EXISTS streams (
  stream_id TEXT PRIMARY KEY,
  last_seq INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS streams_expiry ON streams (expires_at);
CREATE TABLE IF NOT EXISTS stream_entries (
  stream_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  record TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (stream_id, seq)
);
CREATE INDEX IF NOT EXISTS stream_entries_expiry ON stream_entries (expires_at);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  key_hash TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,         -- "<fingerprint> <job ids, comma-separated>" (key-claim-value.ts)
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idempotency_keys_expiry ON idempotency_keys (expires_at);
`;

/** Tables whose rows expire (the result TTL), swept in small batches. */
export const EXPIRING_TABLES = ['jobs', 'outcomes', 'streams', 'stream_entries', 'idempotency_keys'] as const;
