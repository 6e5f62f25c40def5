import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeJobStoreConformance } from '../testing/job-store.conformance';
import { SqliteJobsDatabase } from './sqlite-database.adapter';
import { SqliteJobStore } from './sqlite-job-store.adapter';
import { SqliteResultStreams } from './sqlite-result-streams.adapter';

describeJobStoreConformance('SQLite (embedded, a real file in WAL mode)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-store-'));
  const database = new SqliteJobsDatabase(dir);
  return {
    store: new SqliteJobStore(database, { attempts: 3, ttlMs: 60_000 }),
    streams: new SqliteResultStreams(database),
    close: async () => {
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
