import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestRecord } from '../load/request-record.interface';
import { parseScenario } from '../scenario/parse-scenario';
import { workloadClasses } from '../scenario/workload-classes';
import { summariseLane } from '../stats/summarise-lane';
import type { BenchReport } from './bench-report.interface';
import { writeReport } from './write-report';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseStringPromise } = require('xml2js') as { parseStringPromise: (xml: string, options?: object) => Promise<Record<string, any>> };

const devices = [
  { id: 'cpu:0', kind: 'cpu', costWeight: 1, slots: 2 },
  { id: 'gpu:0', kind: 'gpu', costWeight: 2, slots: 4 },
];

/** A small fixed run: 20 requests per lane, latencies and devices from simple formulas. */
function fixedRecords(slowOn: string): RequestRecord[] {
  return Array.from({ length: 20 }, (_, i) => {
    const deviceId = i % 3 === 0 ? slowOn : 'cpu:0';
    const latencyMs = deviceId === 'gpu:0' ? 40 + i : 5 + i;
    return {
      seq: i,
      classIndex: 0,
      model: 'mlp_tiny',
      batchSize: 1,
      intendedMs: i * 50,
      sentMs: i * 50,
      doneMs: i * 50 + latencyMs,
      latencyMs,
      ok: true,
      deviceId,
      executedBatchSize: 1,
      computeMs: latencyMs / 2,
    };
  });
}

function fixedReport(): BenchReport {
  const scenario = parseScenario(
    { duration_s: 1, workload: [{ model: 'mlp_tiny', batch: 1 }], arrival: { mode: 'closed', clients: 2 } },
    'fixed <run> & "quotes"',
  );
  const window = { warmupMs: 0, durationMs: 1000 };
  const lanes = [
    summariseLane(
      { lane: 'only:gpu:0', kind: 'single-device', subject: 'gpu:0' },
      fixedRecords('gpu:0').map((r) => ({ ...r, deviceId: 'gpu:0' })),
      window,
      devices,
    ),
    summariseLane({ lane: 'adaptive', kind: 'policy', subject: 'adaptive' }, fixedRecords('gpu:0'), window, devices),
    summariseLane({ lane: 'round-robin', kind: 'policy', subject: 'round-robin' }, fixedRecords('cpu:0'), window, devices),
  ];
  for (const l of lanes) l.fractionOfIdeal = l.throughputJobsPerS / 25;
  return {
    scenario,
    classes: workloadClasses(scenario.workload),
    target: 'inproc',
    createdAt: '2025-01-01T00:00:00.000Z',
    command: 'node dist/bench/run.js fixed.yaml',
    host: { hostname: 'h', cpuModel: 'cpu', cores: 2, memoryGiB: 4, node: 'v20', platform: 'linux-x64', onnxruntime: '1.30.0' },
    devices,
    lanes,
    ideal: {
      jobsPerS: 25,
      rowsPerS: 25,
      assignment: { 'cpu:0': { '0:mlp_tiny@1': 15 }, 'gpu:0': { '0:mlp_tiny@1': 10 } },
      utilisation: { 'cpu:0': 1, 'gpu:0': 1 },
      fullBatchingJobsPerS: 40,
      source: 'fixed',
    },
    scale: [1, 4].flatMap((n) =>
      [0.5, 1].map((load) => ({
        devices: n,
        policy: 'adaptive',
        load,
        idealJobsPerS: 25 * n,
        offeredJobsPerS: 25 * n * load,
        throughputJobsPerS: 24 * n * load,
        fractionOfIdeal: 0.96 * load,
        served: 0.96,
        p50Ms: 3 * load,
        p99Ms: 30 * load,
        decisionUs: n,
        simulatedS: 10,
      })),
    ),
    notes: ['a note'],
  };
}

describe(writeReport.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
  const report = fixedReport();
  const files = writeReport(dir, report);

  it('writes well-formed SVG charts that name every lane', async () => {
    const charts = readdirSync(join(dir, 'charts'));
    expect(charts).toEqual(
      expect.arrayContaining([
        'throughput.svg',
        'latency.svg',
        'cost.svg',
        'device-share.svg',
        'scale-decision-cost.svg',
        'scale-quality.svg',
      ]),
    );
    for (const name of charts) {
      const svg = readFileSync(join(dir, 'charts', name), 'utf8');
      const doc = await parseStringPromise(svg, { strict: true }); // throws on malformed XML
      expect(Object.keys(doc)).toEqual(['svg']);
      expect(doc.svg.$.xmlns).toBe('http://www.w3.org/2000/svg');
      expect(svg).not.toMatch(/NaN|undefined|Infinity/);
      if (!name.startsWith('scale-')) for (const lane of report.lanes) expect(svg).toContain(`>${lane.lane}<`);
    }
  });

  it('draws bars in proportion to the values and the LP ideal as a reference line', async () => {
    const svg = readFileSync(join(dir, 'charts', 'throughput.svg'), 'utf8');
    const widths = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="12" fill="#0072B2"><title>([^<]+)<\/title>/g)];
    expect(widths.map((m) => m[2].split(' ')[0])).toEqual(['only:gpu:0', 'adaptive', 'round-robin']);
    const throughputs = report.lanes.map((l) => l.throughputJobsPerS);
    const ratio = Number(widths[1][1]) / Number(widths[0][1]);
    expect(ratio).toBeCloseTo(throughputs[1] / throughputs[0], 1);
    expect(svg).toContain('LP ideal 25');
  });

  it('writes a markdown report with the lane table, headline, escaped names and links that resolve', () => {
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('# Benchmark: fixed <run> & "quotes"');
    expect(md).toMatch(/^\| lane \| kind \| jobs\/s \|/m);
    const results = md.slice(md.indexOf('## Results'), md.indexOf('## LP ideal'));
    const rows = results.split('\n').filter((l) => /^\| (only:gpu:0|adaptive|round-robin) \| /.test(l));
    expect(rows.length).toBe(3);
    const header = md.split('\n').find((l) => l.startsWith('| lane |'))!;
    for (const row of rows) expect(row.split(' | ').length).toBe(header.split(' | ').length);
    expect(md).toContain('## Headline');
    expect(md).toMatch(/\| adaptive \| 20\.0 \| 80\.0 % \| only:gpu:0 20\.0 \| 1\.00x/);
    for (const [, link] of md.matchAll(/\]\((charts\/[^)]+)\)/g)) expect(existsSync(join(dir, link))).toBe(true);
  });

  it('keeps every number in summary.json', () => {
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as BenchReport;
    expect(summary.lanes.map((l) => l.lane)).toEqual(['only:gpu:0', 'adaptive', 'round-robin']);
    expect(summary.lanes[1].latencyMs.p99).toBe(report.lanes[1].latencyMs.p99);
    expect(files).toContain(join(dir, 'summary.json'));
  });
});
