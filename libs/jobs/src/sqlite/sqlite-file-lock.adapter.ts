import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';

/** Paths locked by this process (a second store in the same process is refused too). */
const held = new Set<string>();

/**
 * One process per store file: `<file>.lock` holds the owner's pid. A lock whose process is gone
 * (a kill -9) is taken over. Unlike SQLite's exclusive locking mode, this leaves the file open to
 * readers, so `sqlite3 jobs.sqlite ".backup ..."` works while the server runs.
 */
export class SqliteFileLock {
  private constructor(readonly path: string) {}

  /** Takes the lock, or throws naming the process that holds it. */
  static acquire(file: string): SqliteFileLock {
    const path = `${file}.lock`;
    if (held.has(path)) throw new Error(`${file} is already open in this process`);
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (owner !== process.pid && alive(owner)) throw new Error(`${file} is used by process ${owner}`);
      writeFileSync(path, String(process.pid));
    }
    held.add(path);
    return new SqliteFileLock(path);
  }

  release(): void {
    if (!held.delete(this.path)) return;
    try {
      unlinkSync(this.path);
    } catch {
      // already gone
    }
  }
}

function alive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
