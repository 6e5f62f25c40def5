import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findStatusPageAssetDir, StatusPageAssets } from './status-page-assets';

describe(StatusPageAssets.name, () => {
  it('finds the source assets from the compiled tree and serves a page that loads only its own files', () => {
    const sut = new StatusPageAssets();
    const html = sut.get('index.html');
    expect(html).toContain('<script src="/status-page/status-page.js"></script>');
    expect(html).toContain('href="/status-page/status-page.css"');
    // Self-contained: nothing is fetched from another origin.
    for (const file of ['index.html', 'status-page.js', 'status-page.css'] as const)
      expect(sut.get(file)).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    expect(sut.get('status-page.js')).toContain("fetch('/v1/stats'");
  });

  it('prefers assets copied beside the compiled file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-assets-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'assets', 'index.html'), '<p>copied</p>');
    expect(findStatusPageAssetDir(dir)).toBe(join(dir, 'assets'));
  });

  it('names the folder it looked for when there is none', () => {
    expect(() => findStatusPageAssetDir(mkdtempSync(join(tmpdir(), 'sy-none-')))).toThrow(/status-page.assets.*not found/);
  });
});
