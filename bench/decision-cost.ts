/**
 * Decision-cost micro-benchmark (a script, not a test): how many placement decisions per second
 * the production framework + registry policies make with 2, 8 and 64 devices.
 *
 *   scripts/dev-build.sh NAME && node .build/NAME/bench/decision-cost.js [--seconds 0.5]
 *   (or after `npm run build`: node dist/bench/decision-cost.js)
 *
 * Writes bench/results/decision-cost/<date>-<host>/report.md (and results.json) at the repo root.
 * Target: < 5 us per decision at 64 devices.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLICY_FACTORIES, PolicyRegistry, SchedulingFramework } from '@switchyard/scheduler';
import { repoRoot } from '../test/support/repo-paths';
import { measureDecisionCost, type DecisionCostRow } from './decision-cost/measure-decision-cost';
import { renderDecisionCostReport } from './decision-cost/render-decision-cost-report';

const DEVICE_COUNTS = [2, 8, 64];
const TARGET_NS_AT_64 = 5000;

function main(): void {
  const secondsArg = process.argv.indexOf('--seconds');
  const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 0.5;
  const registry = new PolicyRegistry(DEFAULT_POLICY_FACTORIES);
  const framework = new SchedulingFramework();
  const loadAtStart = loadavg()[0];
  const rows: DecisionCostRow[] = [];
  for (const devices of DEVICE_COUNTS) {
    for (const name of registry.names()) {
      for (const deadline of [false, true]) {
        const row = measureDecisionCost(framework, registry.get(name), { devices, deadline, seconds });
        rows.push(row);
        process.stdout.write(
          `${String(devices).padStart(2)} devices  ${name.padEnd(20)} ${deadline ? 'deadline' : '        '}  ` +
            `${row.bestNsPerDecision.toFixed(0).padStart(6)} ns/decision (best CPU)  ${row.nsPerDecision.toFixed(0).padStart(6)} (median CPU)  ` +
            `${row.wallNsPerDecision.toFixed(0).padStart(6)} (wall)\n`,
        );
      }
    }
  }
  const date = new Date().toISOString().slice(0, 10);
  const host = hostname().replace(/[^A-Za-z0-9_.-]/g, '_');
  const dir = join(repoRoot(), 'bench', 'results', 'decision-cost', `${date}-${host}`);
  mkdirSync(dir, { recursive: true });
  const environment = {
    date,
    host,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    loadAverage: [loadAtStart, loadavg()[0]] as [number, number],
  };
  writeFileSync(join(dir, 'results.json'), JSON.stringify({ environment, seconds, rows }, null, 2) + '\n');
  writeFileSync(join(dir, 'report.md'), renderDecisionCostReport(environment, rows, TARGET_NS_AT_64));
  process.stdout.write(`report: ${join(dir, 'report.md')}\n`);
}

main();
