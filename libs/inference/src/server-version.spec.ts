import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readServerVersion } from './server-version';

describe(readServerVersion.name, () => {
  it("finds switchyard's package.json above the compiled file, skipping other packages", () => {
    const root = mkdtempSync(join(tmpdir(), 'sy-version-'));
    const deep = join(root, 'dist', 'libs', 'inference', 'src');
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'switchyard', version: '9.8.7' }));
    writeFileSync(join(root, 'dist', 'package.json'), JSON.stringify({ name: 'something-else', version: '1.0.0' }));
    writeFileSync(join(root, 'dist', 'libs', 'package.json'), '{ not json');
    expect(readServerVersion(deep)).toBe('9.8.7');
  });

  it('falls back to 0.0.0 when there is none', () => {
    expect(readServerVersion(mkdtempSync(join(tmpdir(), 'sy-none-')))).toBe('0.0.0');
  });
});
