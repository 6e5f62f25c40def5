import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { JOBS_SHUTDOWN_WAIT_MS } from '@switchyard/jobs';
import { repoRoot } from '../../../../test/support/repo-paths';
import { MetricsService } from '../registry/metrics.service';
import { exposedSeriesNames, metricNamesIn } from './metric-series';

const root = repoRoot();
const docker = join(root, 'docker');
const readYaml = (path: string) => parse(readFileSync(path, 'utf8'));
/** Series Prometheus itself adds to every target. */
const PROMETHEUS_SERIES = new Set(['up']);

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface Panel {
  type: string;
  title: string;
  repeat?: string;
  datasource?: { uid: string };
  targets?: Array<{ expr: string; datasource?: { uid: string } }>;
}

/** docker/: the compose stack, Prometheus rules and the Grafana dashboard, checked without Docker. */
describe('docker files', () => {
  let series: Set<string>;

  beforeAll(async () => {
    series = await exposedSeriesNames(new MetricsService().registry);
  });

  const unknownNames = (expr: string) => metricNamesIn(expr).filter((n) => !series.has(n) && !PROMETHEUS_SERIES.has(n));

  describe('compose.yaml', () => {
    const compose = readYaml(join(docker, 'compose.yaml'));

    it('brings up switchyard, redis, prometheus, alertmanager and grafana', () => {
      expect(Object.keys(compose.services).sort()).toEqual(['alertmanager', 'grafana', 'prometheus', 'redis', 'switchyard']);
    });

    it('gives switchyard longer to stop than its jobs drain, and shares the model volume', () => {
      const { stop_grace_period: grace, volumes } = compose.services.switchyard;
      expect(Number(/^(\d+)s$/.exec(grace)?.[1])).toBeGreaterThanOrEqual(JOBS_SHUTDOWN_WAIT_MS / 1000 + 15);
      expect(volumes).toContain('models:/data/models');
      expect(compose.volumes).toHaveProperty('models');
    });

    it('keeps redis append-only', () => {
      const command: string[] = compose.services.redis.command;
      expect(command[command.indexOf('--appendonly') + 1]).toBe('yes');
    });

    it('the GPU override builds the GPU image and asks for the graphics capability (the Vulkan ICD)', () => {
      const gpu = readYaml(join(docker, 'compose.gpu.yaml')).services.switchyard;
      expect(gpu.build.args.RUNTIME_BASE).toBe('gpu');
      const [device] = gpu.deploy.resources.reservations.devices;
      expect(device).toMatchObject({ driver: 'nvidia', capabilities: expect.arrayContaining(['gpu', 'utility', 'graphics']) });
      expect(gpu.environment.NVIDIA_DRIVER_CAPABILITIES.split(',')).toEqual(expect.arrayContaining(['compute', 'utility', 'graphics']));
    });

    it('builds switchyard from the repository with docker/Dockerfile and publishes 8000', () => {
      const { build, ports } = compose.services.switchyard;
      const context = resolve(docker, build.context);
      expect(context).toBe(root);
      expect(existsSync(join(context, build.dockerfile))).toBe(true);
      expect(ports).toContain('8000:8000');
    });

    it('runs redis with noeviction and switchyard pointed at it', () => {
      const command: string[] = compose.services.redis.command;
      expect(command[command.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
      expect(compose.services.switchyard.environment.SWITCHYARD_REDIS_URL).toBe('redis://redis:6379/0');
    });

    it('mounts only files that exist', () => {
      for (const [name, service] of Object.entries<{ volumes?: string[] }>(compose.services)) {
        for (const volume of service.volumes ?? []) {
          const source = volume.split(':')[0];
          if (!source.startsWith('.')) {
            expect(Object.keys(compose.volumes)).toContain(source);
            continue;
          }
          expect({ service: name, source, exists: existsSync(resolve(docker, source)) }).toEqual({ service: name, source, exists: true });
        }
      }
    });

    it('sets only options the service knows', () => {
      const schema = readFileSync(join(root, 'libs/config/src/config.schema.ts'), 'utf8');
      for (const key of Object.keys(compose.services.switchyard.environment)) {
        expect(schema).toContain(`  ${key.replace(/^SWITCHYARD_/, '')}:`);
      }
    });
  });

  describe('Dockerfile', () => {
    const dockerfile = readFileSync(join(docker, 'Dockerfile'), 'utf8');

    it('builds and runs on node:24-bookworm-slim with npm ci and the .npmrc', () => {
      expect(dockerfile).toMatch(/^FROM node:24-bookworm-slim AS build$/m);
      expect(dockerfile).toMatch(/^FROM node:24-bookworm-slim AS runtime-base$/m);
      expect(dockerfile).not.toMatch(/node:20/);
      expect(dockerfile).toMatch(/^COPY package\.json package-lock\.json \.npmrc \.\/$/m);
      expect(dockerfile).toMatch(/^RUN npm ci\b/m);
      expect(dockerfile).toMatch(/npm run build/);
    });

    it('exposes 8000 (HTTP) and 8001 (gRPC) with a health check on /v2/health/live and starts the compiled server under tini', () => {
      expect(dockerfile).toMatch(/^EXPOSE 8000 8001$/m);
      expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/v2\/health\/live/);
      expect(dockerfile).toMatch(/^CMD \["node", "dist\/apps\/server\/src\/main\.js"\]$/m);
      expect(dockerfile).toMatch(/apt-get install [^\n]*\btini\b/);
      expect(dockerfile).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
      expect(dockerfile).toMatch(/^ENV [\s\S]*SWITCHYARD_DATA_DIR=\/data\/jobs/m);
    });

    it('has a GPU stage with the Vulkan loader, the NVIDIA ICD and the graphics capability', () => {
      const gpu = dockerfile.slice(dockerfile.indexOf('FROM runtime-base AS gpu'), dockerfile.indexOf('FROM runtime-base AS lavapipe'));
      expect(gpu).toMatch(/apt-get install [^\n]*\blibvulkan1\b/);
      expect(gpu).toContain('COPY docker/vulkan/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json');
      expect(JSON.parse(readFileSync(join(docker, 'vulkan/nvidia_icd.json'), 'utf8')).ICD.library_path).toBe('libGLX_nvidia.so.0');
      expect(gpu).toMatch(/NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics/);
    });

    it('copies only paths that exist, and the status page assets next to dist/', () => {
      for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
        for (const source of m[1].split(' ')) expect({ source, exists: existsSync(join(root, source)) }).toEqual({ source, exists: true });
      }
      expect(existsSync(join(root, 'libs/metrics/src/status-page/assets/index.html'))).toBe(true);
      expect(dockerfile).toContain('libs/metrics/src/status-page/assets');
    });

    it('has the optional lavapipe stage installing with the repository script', () => {
      expect(dockerfile).toMatch(/^FROM runtime-base AS lavapipe$/m);
      expect(dockerfile).toMatch(/^ARG RUNTIME_BASE=runtime-base$/m);
    });
  });

  describe('prometheus', () => {
    const compose = () => readYaml(join(docker, 'compose.yaml'));
    const config = readYaml(join(docker, 'prometheus/prometheus.yml'));
    const rules = readYaml(join(docker, 'prometheus/alerts.yml'));
    const all: AlertRule[] = rules.groups.flatMap((g: { rules: AlertRule[] }) => g.rules);

    it('sends alerts to the compose Alertmanager, whose routes name receivers that exist', () => {
      expect(config.alerting.alertmanagers[0].static_configs[0].targets).toEqual(['alertmanager:9093']);
      expect(compose().services.alertmanager.ports).toContain('9093:9093');
      const am = readYaml(join(docker, 'alertmanager/alertmanager.yml'));
      const receivers = new Set(am.receivers.map((r: { name: string }) => r.name));
      for (const route of [am.route, ...am.route.routes]) expect(receivers.has(route.receiver)).toBe(true);
      const webhook = am.receivers.find((r: { webhook_configs?: unknown[] }) => r.webhook_configs).webhook_configs[0];
      expect(new URL(webhook.url).protocol).toBe('http:');
    });

    it('links every alert to its runbook section in docs/operations.md', () => {
      const headings = new Set(
        [...readFileSync(join(root, 'docs/operations.md'), 'utf8').matchAll(/^#+ (.+)$/gm)].map((m) =>
          m[1]
            .trim()
            .toLowerCase()
            .replace(/[^\w\- ]/g, '')
            .replace(/ /g, '-'),
        ),
      );
      for (const rule of all) {
        const url = rule.annotations?.runbook_url ?? '';
        expect({ alert: rule.alert, url }).toEqual({ alert: rule.alert, url: `docs/operations.md#${rule.alert.toLowerCase()}` });
        expect({ alert: rule.alert, section: headings.has(rule.alert.toLowerCase()) }).toEqual({ alert: rule.alert, section: true });
      }
    });

    it('scrapes switchyard:8000/metrics and loads the mounted alert rules', () => {
      const job = config.scrape_configs.find((j: { job_name: string }) => j.job_name === 'switchyard');
      expect(job.static_configs[0].targets).toEqual(['switchyard:8000']);
      expect(job.metrics_path).toBe('/metrics');
      const compose = readYaml(join(docker, 'compose.yaml'));
      const mounts: string[] = compose.services.prometheus.volumes;
      for (const file of config.rule_files) expect(mounts).toContain(`./prometheus/${file.split('/').pop()}:${file}:ro`);
    });

    it('gives every alert an expression, a for, a severity and a summary and description', () => {
      expect(all.length).toBeGreaterThanOrEqual(5);
      for (const rule of all) {
        expect({ alert: rule.alert, for: rule.for }).toEqual({ alert: rule.alert, for: expect.stringMatching(/^\d+[smh]$/) });
        expect(rule.labels?.severity).toMatch(/^(critical|warning|info)$/);
        expect(rule.annotations?.summary).toBeTruthy();
        expect(rule.annotations?.description).toBeTruthy();
        expect(rule.expr.trim()).not.toBe('');
      }
      expect(new Set(all.map((r) => r.alert)).size).toBe(all.length);
    });

    it('alerts on utilisation over 90 % for 5 minutes, errors, p99, queue saturation and worker restarts', () => {
      const byName = new Map(all.map((r) => [r.alert, r]));
      expect(byName.get('SwitchyardDeviceSaturated')).toMatchObject({
        for: '5m',
        expr: expect.stringMatching(/switchyard_device_utilization_ratio.*> 0\.9$/),
      });
      expect(byName.get('SwitchyardErrorRatioHigh')?.expr).toContain('outcome="error"');
      expect(byName.get('SwitchyardLatencyP99High')?.expr).toMatch(
        /histogram_quantile\(0\.99, .*switchyard_request_duration_seconds_bucket/,
      );
      expect(byName.get('SwitchyardQueueSaturated')?.expr).toContain('switchyard_queue_depth / switchyard_queue_limit');
      expect(byName.get('SwitchyardWorkerRestarts')?.expr).toContain('switchyard_worker_restarts_total');
    });

    it('uses only metrics the service registers', () => {
      for (const rule of all) expect({ alert: rule.alert, unknown: unknownNames(rule.expr) }).toEqual({ alert: rule.alert, unknown: [] });
    });
  });

  describe('grafana', () => {
    const dashboard = JSON.parse(readFileSync(join(docker, 'grafana/dashboards/switchyard.json'), 'utf8'));
    const panels: Panel[] = dashboard.panels;
    const datasources = readYaml(join(docker, 'grafana/provisioning/datasources/prometheus.yaml'));
    const provider = readYaml(join(docker, 'grafana/provisioning/dashboards/switchyard.yaml'));

    it('provisions the Prometheus datasource every panel uses, and the dashboard folder', () => {
      const uid = datasources.datasources[0].uid;
      expect(datasources.datasources[0]).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
      for (const p of panels.filter((x) => x.type !== 'row')) {
        expect({ panel: p.title, uid: p.datasource?.uid }).toEqual({ panel: p.title, uid });
        for (const t of p.targets ?? []) expect(t.datasource?.uid).toBe(uid);
      }
      const compose = readYaml(join(docker, 'compose.yaml'));
      expect(compose.services.grafana.volumes).toContain(
        `./grafana/dashboards/switchyard.json:${provider.providers[0].options.path}/switchyard.json:ro`,
      );
    });

    it('repeats a row per device with throughput, latency, queue, utilisation, memory, errors and share of work', () => {
      const variable = dashboard.templating.list.find((v: { name: string }) => v.name === 'device');
      expect(variable).toMatchObject({ type: 'query', multi: true, includeAll: true });
      const start = panels.findIndex((p) => p.type === 'row' && p.repeat === 'device');
      expect(start).toBeGreaterThanOrEqual(0);
      const end = panels.findIndex((p, i) => i > start && p.type === 'row');
      const row = panels.slice(start + 1, end);
      for (const title of [
        'Throughput',
        'Latency p50 / p99',
        'Queue depth and in flight',
        'Utilisation',
        'Memory',
        'Errors and refusals',
        'Share of work',
      ]) {
        const panel = row.find((p) => p.title === title);
        expect({ title, found: Boolean(panel) }).toEqual({ title, found: true });
        for (const t of panel!.targets ?? []) expect(t.expr).toContain('device="$device"');
      }
      const latency = row
        .find((p) => p.title === 'Latency p50 / p99')!
        .targets!.map((t) => t.expr)
        .join('\n');
      expect(latency).toContain('histogram_quantile(0.5,');
      expect(latency).toContain('histogram_quantile(0.99,');
    });

    it('has scheduler panels for decisions by policy and device and prediction error', () => {
      const exprs = panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
      expect(exprs.some((e) => /sum by \(policy, device\) \(rate\(switchyard_scheduler_decisions_total/.test(e))).toBe(true);
      expect(exprs.some((e) => e.includes('switchyard_prediction_error_ratio_bucket'))).toBe(true);
    });

    it('queries only metrics the service registers', () => {
      const queries = [
        ...panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr }))),
        ...dashboard.templating.list.map((v: { name: string; definition: string }) => ({ panel: `$${v.name}`, expr: v.definition })),
      ];
      for (const { panel, expr } of queries) {
        const unknown = unknownNames(expr).filter((n) => !(panel === '$device' && n === 'device'));
        expect({ panel, unknown }).toEqual({ panel, unknown: [] });
      }
    });

    it('has unique panel ids and no overlapping panels', () => {
      const ids = panels.map((p) => (p as Panel & { id: number }).id);
      expect(new Set(ids).size).toBe(ids.length);
      const grid = panels.map((p) => (p as Panel & { gridPos: { x: number; y: number; w: number; h: number } }).gridPos);
      for (let i = 0; i < grid.length; i++) {
        expect(grid[i].x + grid[i].w).toBeLessThanOrEqual(24);
        for (let j = i + 1; j < grid.length; j++) {
          const a = grid[i];
          const b = grid[j];
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          expect({ a: panels[i].title, b: panels[j].title, overlap }).toEqual({ a: panels[i].title, b: panels[j].title, overlap: false });
        }
      }
    });
  });

  it('docs/metrics.md documents every metric the service registers', async () => {
    const docs = readFileSync(join(root, 'docs/metrics.md'), 'utf8');
    const names = new MetricsService().metricNames();
    expect(names.filter((n) => !docs.includes(`\`${n}\``))).toEqual([]);
    expect(dirname(join(root, 'docs/metrics.md'))).toBe(join(root, 'docs'));
  });
});
