import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteNativeBinding } from './sqlite-native-binding';

describe(sqliteNativeBinding.name, () => {
  it("picks the addon built for the running Node's ABI under .native/, else the package's own", () => {
    const root = mkdtempSync(join(tmpdir(), 'sy-abi-'));
    expect(sqliteNativeBinding(root)).toBeUndefined();
    const other = join(root, '.native', 'better-sqlite3', 'abi-1', 'better_sqlite3.node');
    mkdirSync(join(other, '..'), { recursive: true });
    writeFileSync(other, '');
    expect(sqliteNativeBinding(root)).toBeUndefined();
    const mine = join(root, '.native', 'better-sqlite3', `abi-${process.versions.modules}`, 'better_sqlite3.node');
    mkdirSync(join(mine, '..'), { recursive: true });
    writeFileSync(mine, '');
    expect(sqliteNativeBinding(root)).toBe(mine);
  });
});
