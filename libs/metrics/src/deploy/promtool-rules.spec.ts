import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it as test } from 'node:test';
import { stringify } from 'yaml';
import { repoRoot } from '../../../../test/support/repo-paths';
import { renderKustomization } from '../testing/kustomize-render';

const root = repoRoot();
const found = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const available = found.status === 0;
/** Skipped (with the reason) where Debian's prometheus package is missing; REQUIRE_PROMTOOL=1 (CI) fails instead. */
const skip =
  available || process.env.REQUIRE_PROMTOOL === '1'
    ? false
    : 'promtool is not installed (apt-get install -y prometheus; REQUIRE_PROMTOOL=1 fails instead)';

function promtool(...args: string[]): string {
  if (!available) throw new Error(`REQUIRE_PROMTOOL=1 but promtool cannot run: ${found.error?.message ?? found.stderr}`);
  return execFileSync('promtool', args, { encoding: 'utf8' });
}

/** The alert rules checked by Prometheus's own tool (syntax, PromQL, templates), compose and Kubernetes. */
describe('alert rules (promtool)', () => {
  void test('docker/prometheus/alerts.yml passes promtool check rules', { skip }, () => {
    expect(promtool('check', 'rules', join(root, 'docker/prometheus/alerts.yml'))).toMatch(/SUCCESS: \d+ rules found/);
  });

  void test("the Kubernetes PrometheusRule's groups pass promtool check rules", { skip }, () => {
    const rule = renderKustomization(join(root, 'deploy/kubernetes/overlays/cpu')).find((o) => o.kind === 'PrometheusRule')!;
    const file = join(mkdtempSync(join(tmpdir(), 'sy-rules-')), 'rules.yml');
    writeFileSync(file, stringify(rule.spec));
    expect(promtool('check', 'rules', file)).toMatch(/SUCCESS: \d+ rules found/);
  });

  void test('promtool refuses a broken rule (the check can fail)', { skip }, () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sy-rules-')), 'bad.yml');
    writeFileSync(file, stringify({ groups: [{ name: 'bad', rules: [{ alert: 'Broken', expr: 'sum(rate(x[5m]) >' }] }] }));
    expect(() => promtool('check', 'rules', file)).toThrow();
  });
});
