import type { LaneResult } from '../stats/lane-result.interface';
import { median } from '../stats/percentile';
import type { BenchReport } from './bench-report.interface';
import { barChart, lineChart, stackedShareChart } from './svg-charts';

/** The charts of a report: file name (under charts/) -> SVG text. */
export function reportCharts(report: BenchReport): Record<string, string> {
  const lanes = report.lanes;
  const names = lanes.map((l) => l.lane);
  const where = report.target === 'sim' ? 'simulated' : `measured, ${report.target}`;
  const charts: Record<string, string> = {
    'throughput.svg': barChart({
      title: `Throughput per lane (${where})`,
      categories: names,
      series: [{ name: 'jobs/s', values: lanes.map((l) => l.throughputJobsPerS) }],
      unit: 'requests per second',
      references: report.ideal ? [{ value: report.ideal.jobsPerS, label: 'LP ideal' }] : [],
    }),
    'latency.svg': barChart({
      title: `Latency from intended send time (${where})`,
      categories: names,
      series: (['p50', 'p95', 'p99'] as const).map((p) => ({ name: p, values: lanes.map((l) => l.latencyMs[p]) })),
      unit: 'ms',
    }),
    'cost.svg': barChart({
      title: 'Cost per 1000 inferences (cost-weighted busy device-seconds)',
      categories: names,
      series: [{ name: 'cost / 1k', values: lanes.map((l) => l.costPer1k) }],
      unit: 'cost units per 1000 inferences',
    }),
    'device-share.svg': shareChart(lanes),
  };
  if (report.scale?.length) Object.assign(charts, scaleCharts(report));
  return charts;
}

function shareChart(lanes: readonly LaneResult[]): string {
  const devices = [...new Set(lanes.flatMap((l) => Object.keys(l.deviceShare)))].sort();
  return stackedShareChart({
    title: 'Share of jobs per device',
    categories: lanes.map((l) => l.lane),
    segments: devices.map((d) => ({ name: d, values: lanes.map((l) => l.deviceShare[d] ?? 0) })),
  });
}

function scaleCharts(report: BenchReport): Record<string, string> {
  const points = report.scale ?? [];
  const counts = [...new Set(points.map((p) => p.devices))].sort((a, b) => a - b);
  const loads = [...new Set(points.map((p) => p.load))].sort((a, b) => a - b);
  const policies = [...new Set(points.map((p) => p.policy))];
  const find = (n: number, policy: string, load: number) => points.find((p) => p.devices === n && p.policy === policy && p.load === load);
  const finiteMedian = (xs: number[]) => median(xs.filter(Number.isFinite));
  const charts: Record<string, string> = {
    'scale-decision-cost.svg': lineChart({
      title: 'Decision cost vs devices (median over loads; wall clock of the framework call)',
      xLabel: 'devices',
      yLabel: 'µs per decision',
      xs: counts,
      logX: true,
      series: policies.map((policy) => ({
        name: policy,
        ys: counts.map((n) => finiteMedian(points.filter((p) => p.devices === n && p.policy === policy).map((p) => p.decisionUs))),
      })),
    }),
  };
  const top = loads.filter((l) => l >= 1);
  charts['scale-quality.svg'] = lineChart({
    title: `Throughput as a fraction of the LP ideal vs devices, at ${top.map((l) => `${Math.round(l * 100)}%`).join('/') || 'full'} load`,
    xLabel: 'devices',
    yLabel: 'throughput / LP ideal',
    xs: counts,
    logX: true,
    series: policies.map((policy) => ({
      name: policy,
      ys: counts.map((n) => Math.max(...(top.length ? top : loads).map((l) => find(n, policy, l)?.fractionOfIdeal ?? NaN))),
    })),
    references: [{ value: 0.9, label: '90 % target' }],
  });
  for (const n of counts) {
    charts[`scale-p99-${n}-devices.svg`] = lineChart({
      title: `p99 latency vs load, ${n} device${n > 1 ? 's' : ''} (simulator)`,
      xLabel: 'offered load (fraction of the LP ideal)',
      yLabel: 'p99 latency (ms)',
      xs: loads,
      logY: true,
      xFormat: (v) => `${Math.round(v * 100)}%`,
      series: policies.map((policy) => ({ name: policy, ys: loads.map((l) => find(n, policy, l)?.p99Ms ?? NaN) })),
    });
  }
  return charts;
}
