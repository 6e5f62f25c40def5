/**
 * Writes deploy/kubernetes/base/prometheus-rule.yaml from docker/prometheus/alerts.yml, the one
 * source of the alert rules (the manifests spec fails when the two differ):
 *   npm run build && node dist/scripts/sync-prometheus-rule.js
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { repoRoot } from '../test/support/repo-paths';

const HEADER =
  '# The alert rules of docker/prometheus/alerts.yml for the Prometheus Operator, written by\n# scripts/sync-prometheus-rule.ts (a test keeps the two equal). runbook_url: docs/operations.md.\n';

const root = repoRoot();
const rules: unknown = parse(readFileSync(join(root, 'docker/prometheus/alerts.yml'), 'utf8'));
const rule = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: { name: 'switchyard', labels: { 'app.kubernetes.io/name': 'switchyard' } },
  spec: rules,
};
const target = join(root, 'deploy/kubernetes/base/prometheus-rule.yaml');
writeFileSync(target, HEADER + stringify(rule, { lineWidth: 0 }));
console.log(`wrote ${target}`);
