import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { medianAndDecileRange, percentileOfSorted } from '../stats/percentile';
import type { PhaseMarks, RequestPhases } from './phase-marks';

const KIND: Record<string, string> = { 'application/json': 'json', 'application/octet-stream': 'binary' };
const PHASES: (keyof RequestPhases)[] = ['toPost', 'post', 'toAnswer', 'afterAnswer'];

/** The marks each server (`<name>.json` in `dir`) wrote; a server that wrote none has none. */
export function readPhaseMarks(dir: string, names: readonly string[]): Record<string, PhaseMarks> {
  const marks: Record<string, PhaseMarks> = {};
  for (const name of names) {
    const file = join(dir, `${name}.json`);
    marks[name] = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PhaseMarks) : {};
  }
  return marks;
}

/**
 * The report's table of where the time goes: per server and body kind, the median (p10 - p90) of
 * each phase, and per kind the difference of the medians of the second server and the first.
 */
export function phaseTable(marks: Record<string, PhaseMarks>): string[] {
  const names = Object.keys(marks);
  const median: Record<string, Record<string, number>> = {};
  const rows: string[] = [];
  for (const kind of Object.keys(KIND)) {
    for (const name of names) {
      const requests = marks[name][kind] ?? [];
      const cells = PHASES.map((phase) => {
        const sorted = Float64Array.from(requests, (r) => r[phase]).sort();
        (median[`${name} ${kind}`] ??= {})[phase] = percentileOfSorted(sorted, 0.5);
        return requests.length ? medianAndDecileRange(sorted) : '';
      });
      const total = Float64Array.from(requests, (r) => r.toPost + r.post + r.afterPost).sort();
      rows.push(
        `| ${name} ${KIND[kind]} | ${requests.length} | ${cells.join(' | ')} | ${requests.length ? medianAndDecileRange(total) : ''} |`,
      );
    }
    if (names.length === 2) {
      const [a, b] = names.map((n) => median[`${n} ${kind}`]);
      const diffs = PHASES.map((phase) => signed(b[phase] - a[phase]));
      const sum = PHASES.reduce((s, phase) => s + b[phase] - a[phase], 0);
      rows.push(`| ${names[1]} - ${names[0]}, ${KIND[kind]} (medians) |  | ${diffs.join(' | ')} | ${signed(sum)} |`);
    }
  }
  return [
    "Where a request's time goes on the server's main thread (the `-marked` layers: `phase-marks.js` preloaded; ms, median",
    '(p10 - p90) over their requests): from the request to the call that posts the run to the worker (routing, hooks, body,',
    'validation, placement, queue), that postMessage() call itself (serialization and waking the worker), from its return until',
    "the worker's answer reaches a listener on the main thread (the run, both wake-ups, and whatever the main thread still had",
    "to do), and from the answer to the response's end() (completion, the result's way back, encoding, the reply).",
    '',
    '| server | requests | request to post | postMessage() | post to answer | answer to end() | request to end() |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ];
}

function signed(x: number): string {
  return Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(3)}` : '';
}
