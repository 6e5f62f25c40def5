import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteJobsDatabase } from './sqlite-database.adapter';
import { SqliteJobStore } from './sqlite-job-store.adapter';
import { sqliteNativeBinding } from './sqlite-native-binding';

const binding = sqliteNativeBinding();
const open = (path: string, readonly = false) => new Database(path, { readonly, ...(binding ? { nativeBinding: binding } : {}) });

describe(SqliteJobsDatabase.name, () => {
  const dirs: SqliteJobsDatabase[] = [];
  const fresh = (dir = mkdtempSync(join(tmpdir(), 'sy-db-'))) => {
    const sut = new SqliteJobsDatabase(dir);
    dirs.push(sut);
    return { sut, dir };
  };
  afterEach(() => dirs.splice(0).forEach((d) => d.close()));

  it('journals in WAL mode', () => {
    const { sut } = fresh();
    expect(sut.db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('refuses a second store on the same folder, in this process and in another, until the first closes', () => {
    const { sut, dir } = fresh();
    expect(() => new SqliteJobsDatabase(dir)).toThrow(/already open in this process.*one Switchyard process per SWITCHYARD_DATA_DIR/);
    const other = spawnSync(
      process.execPath,
      [
        '-e',
        `const { SqliteJobsDatabase } = require(${JSON.stringify(require.resolve('./sqlite-database.adapter'))}); new SqliteJobsDatabase(${JSON.stringify(dir)});`,
      ],
      { encoding: 'utf8' },
    );
    expect(other.status).not.toBe(0);
    expect(other.stderr).toContain(`is used by process ${process.pid}`);
    sut.close();
    dirs.push(new SqliteJobsDatabase(dir));
  });

  it('takes over the lock of a process that is gone (a kill -9)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-db-'));
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    writeFileSync(join(dir, 'jobs.sqlite.lock'), gone.stdout.trim());
    expect(() => fresh(dir)).not.toThrow();
  });

  it('lets a reader back the file up while the store is open (online backup)', async () => {
    const { sut, dir } = fresh();
    await new SqliteJobStore(sut, { attempts: 1, ttlMs: 60_000 }).add([
      { id: 'b1', payload: { model: 'm', request: {}, submittedAt: 1, acceptedBy: 'n' }, priority: 1 },
    ]);
    const reader = open(sut.path, true);
    const copy = join(dir, 'backup.sqlite');
    await reader.backup(copy);
    reader.close();
    const restored = open(copy);
    expect(restored.prepare('SELECT id FROM jobs').pluck().all()).toEqual(['b1']);
    restored.close();
  });

  it('sweeps expired rows and keeps the rest', async () => {
    const { sut } = fresh();
    const store = new SqliteJobStore(sut, { attempts: 1, ttlMs: 1000 });
    await store.claimKey('old', 'f', ['j']);
    await store.outcomes.store({ jobId: 'o', state: 'completed', model: 'm', timings: { submittedAt: 1, finishedAt: 2 } }, 's');
    expect(sut.sweep(Date.now())).toBe(0);
    expect(sut.sweep(Date.now() + 2000)).toBe(4); // key, outcome, stream, stream entry
    expect(await store.outcomes.get('o')).toBeUndefined();
  });
});
