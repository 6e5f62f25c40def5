import type { DecisionCostRow } from './measure-decision-cost';

export interface BenchEnvironment {
  date: string;
  host: string;
  cpu: string;
  cores: number;
  node: string;
  /** 1-minute load average at the start and the end of the run. */
  loadAverage: [number, number];
}

/** The Markdown report of a decision-cost run. */
export function renderDecisionCostReport(env: BenchEnvironment, rows: readonly DecisionCostRow[], targetNsAt64: number): string {
  const table = rows
    .map(
      (r) =>
        `| ${r.policy} | ${r.devices} | ${r.deadline ? 'yes' : 'no'} | ${(r.bestNsPerDecision / 1000).toFixed(2)} | ` +
        `${(r.nsPerDecision / 1000).toFixed(2)} | ` +
        `${(r.wallNsPerDecision / 1000).toFixed(2)} | ${(r.decisionsPerSecond / 1e6).toFixed(2)} | ` +
        `${r.decisions.toLocaleString('en-US')} |`,
    )
    .join('\n');
  const at64 = rows.filter((r) => r.devices === 64);
  const worst = at64.reduce((a, b) => (b.bestNsPerDecision > a.bestNsPerDecision ? b : a), at64[0]);
  const verdict =
    worst === undefined
      ? 'no 64-device rows'
      : `slowest at 64 devices: ${worst.policy}${worst.deadline ? ' with a deadline' : ''}, ` +
        `${(worst.bestNsPerDecision / 1000).toFixed(2)} us/decision in its best round ` +
        `(median ${(worst.nsPerDecision / 1000).toFixed(2)} us): ` +
        (worst.bestNsPerDecision < targetNsAt64 ? 'meets' : 'MISSES') +
        ` the target of < ${targetNsAt64 / 1000} us` +
        (worst.nsPerDecision < targetNsAt64 ? ', in the median too' : ', the median does not');
  return `# Scheduling decision cost

${env.date} on \`${env.host}\`: ${env.cpu} (${env.cores} cores), Node ${env.node}; 1-minute load
average ${env.loadAverage[0].toFixed(1)} at the start, ${env.loadAverage[1].toFixed(1)} at the end.

What is measured: \`SchedulingFramework.schedule(policy, ctx)\` with the production policy registry
and \`EwmaServiceTimeEstimator\` (3 models calibrated on every device): filter (model loaded,
deadline), score, near-tie spreading. Between decisions one device's load and the job (model,
batch size, open batch) change. Building the device snapshots is the dispatcher's work and is
not included. 7 rounds of ~0.5 s of CPU time each, after a 20 000-decision warm-up; one thread.
Times are this process's CPU time (user + system) per decision: "best" is the least disturbed
round, "median" the middle one. On a shared, loaded host, other processes still inflate CPU time
(caches, SMT siblings), less than wall-clock time ("wall", median), which they inflate most.

**Result:** ${verdict}.

| policy | devices | deadline | us/decision best (CPU) | median (CPU) | median (wall) | M decisions/s (median CPU) | decisions timed |
|---|---:|:---:|---:|---:|---:|---:|---:|
${table}

Reproduce: \`scripts/dev-build.sh NAME && node .build/NAME/bench/decision-cost.js\`
(or \`node dist/bench/decision-cost.js\` after \`npm run build\`).
`;
}
