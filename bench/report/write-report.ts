import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchReport } from './bench-report.interface';
import { reportCharts } from './report-charts';
import { reportMarkdown } from './report-markdown';

/** Writes report.md, charts/*.svg and summary.json into `dir`; returns the files written. */
export function writeReport(dir: string, report: BenchReport): string[] {
  mkdirSync(join(dir, 'charts'), { recursive: true });
  const charts = reportCharts(report);
  const files: string[] = [];
  for (const [name, svg] of Object.entries(charts)) {
    writeFileSync(join(dir, 'charts', name), svg);
    files.push(join(dir, 'charts', name));
  }
  writeFileSync(join(dir, 'report.md'), reportMarkdown(report, Object.keys(charts)));
  writeFileSync(
    join(dir, 'summary.json'),
    JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n',
  );
  files.push(join(dir, 'report.md'), join(dir, 'summary.json'));
  return files;
}
