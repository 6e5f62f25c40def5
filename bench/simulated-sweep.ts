/**
 * Policy quality at scale, in the simulator (a script): hosts of 1 to 64 devices built from the
 * H100 host's measured throughputs (CPU pool: small 5041/s, large 94/s; H100: small 340/s, large
 * 148/s), 50/50 mix, open loop at 50 %, 90 % and 120 % of the LP ideal. Every policy of the
 * production registry; reports throughput as a share of the ideal, p50/p99 and decision cost.
 *
 *   scripts/dev-build.sh NAME && node .build/NAME/bench/simulated-sweep.js
 *
 * Writes bench/results/simulated-sweep/<date>-<host>/report.md and results.json.
 */
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_POLICY_FACTORIES, EwmaServiceTimeEstimator, PolicyRegistry } from '@switchyard/scheduler';
import { Simulator, idealForSimulation, serviceTimeFromThroughput, type SimDeviceSpec, type SimulationConfig } from '@switchyard/simulator';
import { writeMarkdownReport } from './report/write-markdown-report';

const DEVICE_COUNTS = [1, 4, 16, 64];
const LOADS = [0.5, 0.9, 1.2];

/** n devices alternating CPU pool (16 slots) and H100 (2 slots). */
function host(n: number): SimDeviceSpec[] {
  return Array.from({ length: n }, (_, i) =>
    i % 2 === 0
      ? { id: `cpu:${i}`, kind: 'cpu', capacity: 16, noise: 0.1, serviceMs: serviceTimeFromThroughput({ small: 5041, large: 94 }, 16) }
      : { id: `gpu:${i}`, kind: 'gpu', capacity: 2, noise: 0.1, serviceMs: serviceTimeFromThroughput({ small: 340, large: 148 }, 2) },
  );
}

function main(): void {
  const registry = new PolicyRegistry(DEFAULT_POLICY_FACTORIES);
  const rows: Record<string, number | string>[] = [];
  for (const n of DEVICE_COUNTS) {
    const base: Omit<SimulationConfig, 'arrival'> = {
      devices: host(n),
      classes: [
        { modelKey: 'small', batchSize: 1, share: 1 },
        { modelKey: 'large', batchSize: 1, share: 1 },
      ],
      durationMs: 6000,
      warmupMs: 1000,
      seed: 3,
    };
    const ideal = idealForSimulation({ ...base, arrival: { kind: 'closed', clients: 1 } }).jobsPerSecond;
    for (const load of LOADS) {
      for (const policy of registry.names()) {
        const config: SimulationConfig = { ...base, arrival: { kind: 'open', ratePerSecond: ideal * load } };
        const r = new Simulator(config).run({ policy: registry.get(policy), estimator: new EwmaServiceTimeEstimator() });
        const row = {
          devices: n,
          load,
          policy,
          idealJobsPerSecond: ideal,
          jobsPerSecond: r.throughputJobsPerSecond,
          ofIdeal: r.throughputJobsPerSecond / ideal,
          p50: r.latencyMs.p50,
          p99: r.latencyMs.p99,
          usPerDecision: 1e6 / r.decisionsPerSecond,
        };
        rows.push(row);
        process.stdout.write(`${n} devices, load ${load}, ${policy}: ${row.ofIdeal.toFixed(3)} of ideal, p99 ${row.p99.toFixed(0)} ms\n`);
      }
    }
  }
  const date = new Date().toISOString().slice(0, 10);
  const table = rows
    .map(
      (r) =>
        `| ${r.devices} | ${Math.round(Number(r.load) * 100)} % | ${r.policy} | ${Number(r.jobsPerSecond).toFixed(0)} | ${Number(r.ofIdeal).toFixed(3)} | ${Number(r.p50).toFixed(1)} | ${Number(r.p99).toFixed(1)} | ${Number(r.usPerDecision).toFixed(2)} |`,
    )
    .join('\n');
  const report = writeMarkdownReport(
    'simulated-sweep',
    `# Simulated policy sweep

${date} on \`${hostname()}\`. Hosts of n devices alternating a CPU pool (16 slots; small 5041/s,
large 94/s) and an H100 (2 slots; small 340/s, large 148/s), 10 % log-normal service noise; 50/50
mix of batch-1 small and large jobs; open loop (Poisson) at 50/90/120 % of the LP ideal; 6 s
simulated, 1 s warm-up, seed 3. The estimator starts empty (online learning and exploration only).
"of ideal" is throughput over the LP ideal of the mix; latency from the intended send time.
"us/decision" is wall-clock inside the simulator on this (shared, loaded) host, for orientation;
bench/decision-cost.ts measures it properly.

| devices | load | policy | jobs/s | of ideal | p50 ms | p99 ms | us/decision |
|---:|---:|---|---:|---:|---:|---:|---:|
${table}
`,
  );
  writeFileSync(join(dirname(report), 'results.json'), JSON.stringify(rows, null, 2) + '\n');
  process.stdout.write(`report: ${report}\n`);
}

main();
