import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot } from '../../test/support/repo-paths';
import { resultDir } from '../runner/host-facts';

/**
 * Writes a standalone benchmark's report to bench/results/<bench>/<date>-<host>/report.md (or to
 * `outDir` when given), and its raw data, when given, beside it as raw.json.gz; returns the
 * report's path.
 */
export function writeMarkdownReport(bench: string, report: string, raw?: unknown, outDir?: string): string {
  const dir = outDir || resultDir(join(repoRoot(), 'bench', 'results'), bench, hostname());
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'report.md');
  writeFileSync(file, report);
  if (raw !== undefined) writeFileSync(join(dir, 'raw.json.gz'), gzipSync(JSON.stringify(raw)));
  return file;
}
