import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../test/support/repo-paths';
import { resultDir } from '../runner/host-facts';

/** Writes a standalone benchmark's report to bench/results/<bench>/<date>-<host>/report.md; returns its path. */
export function writeMarkdownReport(bench: string, report: string): string {
  const dir = resultDir(join(repoRoot(), 'bench', 'results'), bench, hostname());
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'report.md');
  writeFileSync(file, report);
  return file;
}
