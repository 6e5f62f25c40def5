import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@switchyard/config';
import { JOBS_SHUTDOWN_WAIT_MS } from '@switchyard/jobs';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, LimitRange, Namespace, PersistentVolumeClaim, ResourceQuota, Service } from 'kubernetes-models/v1';
import { parse } from 'yaml';
import { repoRoot } from '../../../../test/support/repo-paths';
import { MetricsService } from '../registry/metrics.service';
import { containersOf, type KubeObject, renderKustomization } from '../testing/kustomize-render';
import { exposedSeriesNames, metricNamesIn } from './metric-series';
import { checkCustomResource, cpuCores, memoryBytes } from '../testing/kubernetes-checks';

const root = repoRoot();
const kube = join(root, 'deploy/kubernetes');
const OVERLAYS = ['cpu', 'gpu', 'gpu-hpa'] as const;
/** Core kinds and the kubernetes-models class (OpenAPI schema) each is validated with. */
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'v1/ResourceQuota': ResourceQuota,
  'v1/LimitRange': LimitRange,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};
/** Variables the service does not read but the NVIDIA container toolkit does. */
const NVIDIA_ENV = new Set(['NVIDIA_DRIVER_CAPABILITIES', 'NVIDIA_VISIBLE_DEVICES']);
/** Start-up calibration and model loading may take this long before the pod must be ready. */
const STARTUP_BUDGET_S = 600;

const rendered = Object.fromEntries(OVERLAYS.map((o) => [o, renderKustomization(join(kube, 'overlays', o))])) as Record<
  (typeof OVERLAYS)[number],
  KubeObject[]
>;
const find = (objects: KubeObject[], kind: string, name?: string) =>
  objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
const one = (objects: KubeObject[], kind: string, name: string) => {
  const found = find(objects, kind, name);
  if (found.length !== 1) throw new Error(`${found.length} ${kind}/${name}`);
  return found[0];
};
const server = (objects: KubeObject[]) => one(objects, 'Deployment', 'switchyard');
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** deploy/kubernetes rendered with kustomize semantics (kustomize-render.ts), checked without a cluster. */
describe('kubernetes manifests', () => {
  let series: Set<string>;
  let customModels: Record<string, new (data: any) => { validate(): void }>;

  beforeAll(async () => {
    series = await exposedSeriesNames(new MetricsService().registry);
    customModels = await customResourceModels();
  });

  describe.each(OVERLAYS.map((o) => [o]))('overlay %s', (overlay: (typeof OVERLAYS)[number]) => {
    const objects = rendered[overlay];

    it('validates every object against its schema (core kinds, and the Prometheus operator and KEDA custom resources), custom resources also against the fields the service relies on', () => {
      for (const o of objects) {
        const key = `${o.apiVersion}/${o.kind}`;
        const Model = MODELS[key];
        const Custom = customModels[key];
        const problems = Model
          ? validate(Model, o)
          : Custom
            ? [...validate(Custom, o), ...checkCustomResource(o)]
            : [`no schema for ${key}`];
        expect({ object: `${o.kind}/${o.metadata.name}`, problems }).toEqual({ object: `${o.kind}/${o.metadata.name}`, problems: [] });
      }
      const namespaced = objects.filter((o) => o.kind !== 'Namespace' && o.kind !== 'ConfigMap');
      for (const o of namespaced)
        expect({ o: o.metadata.name, ns: o.metadata.namespace }).toEqual({ o: o.metadata.name, ns: 'switchyard' });
    });

    it('probes live, ready and startup paths on the named HTTP port; startup covers loading and calibration', () => {
      const d = server(objects);
      const [container] = d.spec.template.spec.containers;
      const ports = new Map(container.ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]));
      expect(container.livenessProbe.httpGet.path).toBe('/v2/health/live');
      expect(container.readinessProbe.httpGet.path).toBe('/v2/health/ready');
      expect(container.startupProbe.httpGet.path).toBe('/v2/health/ready');
      for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe])
        expect(ports.has(probe.httpGet.port)).toBe(true);
      expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBeGreaterThanOrEqual(STARTUP_BUDGET_S);
      const config = loadConfig(serverEnv(container), {});
      expect(ports.get('http')).toBe(config.http.port);
    });

    it('sets only environment variables the service knows (loadConfig refuses unknown ones) or the NVIDIA toolkit reads', () => {
      const env = serverEnv(server(objects).spec.template.spec.containers[0]);
      const others = Object.keys(env).filter((k) => !k.startsWith('SWITCHYARD_'));
      expect(others.filter((k) => !NVIDIA_ENV.has(k))).toEqual([]);
      expect(() => loadConfig(env, {})).not.toThrow();
      const config = loadConfig(env, {});
      expect(config.redis.url).toBe('redis://switchyard-redis:6379/0');
      expect(one(objects, 'Service', 'switchyard-redis').spec.ports[0].port).toBe(6379);
    });

    it('runs every container non-root, with a read-only root file system, no capabilities, requests and limits', () => {
      for (const w of objects.filter((o) => o.spec?.template)) {
        expect(w.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
        for (const c of containersOf(w)) {
          expect({ c: c.name, sc: c.securityContext }).toEqual({
            c: c.name,
            sc: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          });
          expect({
            c: c.name,
            requests: Boolean(c.resources?.requests?.cpu && c.resources?.requests?.memory),
            limits: Boolean(c.resources?.limits?.cpu && c.resources?.limits?.memory),
          }).toEqual({ c: c.name, requests: true, limits: true });
        }
      }
    });

    it('gives the server longer to stop than its jobs drain, and keeps a replica through drains', () => {
      const d = server(objects);
      expect(d.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(JOBS_SHUTDOWN_WAIT_MS / 1000 + 15);
      const pdb = one(objects, 'PodDisruptionBudget', 'switchyard');
      expect(matches(pdb.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
      expect(pdb.spec.maxUnavailable).toBe(1);
    });

    it('wires the Service, NetworkPolicies and ServiceMonitor to the pods and ports that exist', () => {
      const d = server(objects);
      const labels = d.spec.template.metadata.labels;
      const service = one(objects, 'Service', 'switchyard');
      expect(matches(service.spec.selector, labels)).toBe(true);
      expect(d.spec.template.spec.containers[0].ports.map((p: { name: string }) => p.name)).toContain(service.spec.ports[0].targetPort);
      const policy = one(objects, 'NetworkPolicy', 'switchyard');
      expect(matches(policy.spec.podSelector.matchLabels, labels)).toBe(true);
      expect(policy.spec.ingress[0].ports[0].port).toBe(d.spec.template.spec.containers[0].ports[0].containerPort);
      const redis = one(objects, 'StatefulSet', 'switchyard-redis');
      expect(matches(policy.spec.egress[0].to[0].podSelector.matchLabels, redis.spec.template.metadata.labels)).toBe(true);
      expect(matches(one(objects, 'NetworkPolicy', 'switchyard-redis').spec.ingress[0].from[0].podSelector.matchLabels, labels)).toBe(true);
      const monitor = one(objects, 'ServiceMonitor', 'switchyard');
      expect(matches(monitor.spec.selector.matchLabels, service.metadata.labels)).toBe(true);
      expect(monitor.spec.endpoints[0]).toMatchObject({ port: service.spec.ports[0].name, path: '/metrics' });
    });

    it('keeps Redis from evicting jobs (noeviction, append-only file on a volume)', () => {
      const redis = one(objects, 'StatefulSet', 'switchyard-redis');
      const args: string[] = redis.spec.template.spec.containers[0].args;
      expect(args[args.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
      expect(args[args.indexOf('--appendonly') + 1]).toBe('yes');
      expect(redis.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    });

    it('fits the largest scale-out, during a rolling update, in the namespace quota', () => {
      const quota = one(objects, 'ResourceQuota', 'switchyard-quota').spec.hard;
      const surge = server(objects).spec.strategy.rollingUpdate.maxSurge as number;
      const maxReplicas =
        (find(objects, 'ScaledObject')[0]?.spec.maxReplicaCount ?? find(objects, 'HorizontalPodAutoscaler')[0].spec.maxReplicas) + surge;
      const pod = (w: KubeObject, what: 'requests' | 'limits', res: string, parse: (q: string | number) => number) =>
        containersOf(w).reduce((s, c) => s + parse(c.resources[what][res] ?? 0), 0);
      const d = server(objects);
      const redis = one(objects, 'StatefulSet', 'switchyard-redis');
      for (const [what, res, parse] of [
        ['requests', 'cpu', cpuCores],
        ['requests', 'memory', memoryBytes],
        ['limits', 'cpu', cpuCores],
        ['limits', 'memory', memoryBytes],
      ] as const) {
        const total = maxReplicas * pod(d, what, res, parse) + pod(redis, what, res, parse);
        expect({ [`${what}.${res}`]: total <= parse(quota[`${what}.${res}`]) }).toEqual({ [`${what}.${res}`]: true });
      }
      expect(maxReplicas * Number(d.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu'] ?? 0)).toBeLessThanOrEqual(
        Number(quota['requests.nvidia.com/gpu']),
      );
      expect(maxReplicas + 1).toBeLessThanOrEqual(Number(quota.pods));
    });

    it('carries the alert rules of docker/prometheus/alerts.yml, on metrics the service registers', () => {
      const rule = one(objects, 'PrometheusRule', 'switchyard');
      expect(rule.spec).toEqual(parse(readFileSync(join(root, 'docker/prometheus/alerts.yml'), 'utf8')));
      for (const r of rule.spec.groups.flatMap((g: { rules: { alert: string; expr: string }[] }) => g.rules)) {
        expect({ alert: r.alert, unknown: unknown(r.expr) }).toEqual({ alert: r.alert, unknown: [] });
      }
    });

    it('scales on metrics the service registers', () => {
      const queries = [
        ...find(objects, 'ScaledObject').flatMap((s) => s.spec.triggers.map((t: { metadata: { query: string } }) => t.metadata.query)),
        ...find(objects, 'ConfigMap', 'switchyard-prometheus-adapter-rules').flatMap((c) =>
          parse(c.data['config.yaml']).externalRules.flatMap((r: { seriesQuery: string; metricsQuery: string }) => [
            r.seriesQuery,
            r.metricsQuery,
          ]),
        ),
      ];
      expect(queries.length).toBeGreaterThan(0);
      for (const q of queries) expect({ q, unknown: unknown(q.replace(/<<[^>]*>>/g, '')) }).toEqual({ q, unknown: [] });
    });
  });

  it('cpu: requests 0.5 CPU / 1Gi and limits 2 CPU / 4Gi; KEDA scales on the queue-to-compute ratio', () => {
    const [container] = server(rendered.cpu).spec.template.spec.containers;
    expect(container.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } });
    expect(container.image).toBe('switchyard:0.1.0');
    const [trigger] = one(rendered.cpu, 'ScaledObject', 'switchyard').spec.triggers;
    expect(trigger.metadata.query).toMatch(/switchyard_queue_wait_seconds_sum.*\/.*switchyard_inference_duration_seconds_sum/);
  });

  it('gpu: one nvidia.com/gpu per replica on the GPU image with the graphics capability; KEDA adds GPUs above 90 % for 5 minutes', () => {
    const d = server(rendered.gpu);
    const [container] = d.spec.template.spec.containers;
    expect(container.resources.limits['nvidia.com/gpu']).toBe(1);
    expect(container.resources.requests['nvidia.com/gpu']).toBe(1);
    expect(container.image).toBe('switchyard:0.1.0-gpu');
    expect(container.env.find((e: { name: string }) => e.name === 'NVIDIA_DRIVER_CAPABILITIES').value.split(',')).toEqual(
      expect.arrayContaining(['compute', 'utility', 'graphics']),
    );
    // the base's env survives the patch (merged by name)
    expect(container.env.map((e: { name: string }) => e.name)).toContain('SWITCHYARD_REDIS_URL');
    expect(d.spec.template.spec.tolerations[0].key).toBe('nvidia.com/gpu');
    const gpu = one(rendered.gpu, 'ScaledObject', 'switchyard').spec.triggers.find((t: { name: string }) => t.name === 'gpu-utilization');
    expect(gpu).toMatchObject({ type: 'prometheus', metricType: 'Value', metadata: { threshold: '0.9' } });
    expect(gpu.metadata.query).toMatch(/min_over_time\(.*switchyard_device_utilization_ratio\{[^}]*kind="gpu"[^}]*\}.*\[5m:/);
  });

  it('gpu-hpa: the HPA on prometheus-adapter metrics replaces the ScaledObject', () => {
    expect(find(rendered['gpu-hpa'], 'ScaledObject')).toEqual([]);
    const hpa = one(rendered['gpu-hpa'], 'HorizontalPodAutoscaler', 'switchyard');
    const rules = parse(one(rendered['gpu-hpa'], 'ConfigMap', 'switchyard-prometheus-adapter-rules').data['config.yaml']).externalRules.map(
      (r: { name: { as: string } }) => r.name.as,
    );
    expect(hpa.spec.metrics.map((m: { external: { metric: { name: string } } }) => m.external.metric.name).sort()).toEqual(
      [...rules].sort(),
    );
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'switchyard' });
  });

  function unknown(expr: string): string[] {
    return metricNamesIn(expr).filter((n) => !series.has(n) && n !== 'up');
  }
});

/** The server container's environment; values from the downward API become a placeholder. */
function serverEnv(container: { env: { name: string; value?: string; valueFrom?: unknown }[] }): Record<string, string> {
  return Object.fromEntries(container.env.map((e) => [e.name, e.value ?? 'from-the-downward-api']));
}

/**
 * Schemas of the custom resources, from @kubernetes-models/prometheus-operator (ES modules only:
 * loaded with a real import(), which this CommonJS build would otherwise turn into require) and
 * @kubernetes-models/keda.
 */
async function customResourceModels(): Promise<Record<string, new (data: any) => { validate(): void }>> {
  // a real import(): tsc would compile import() to require(), which these ES-only packages refuse
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<any>;
  const { ServiceMonitor } = await importEsm('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor');
  const { PrometheusRule } = await importEsm('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule');
  return {
    'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
    'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
    'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  };
}

function validate(Model: new (data: any) => { validate(): void }, o: KubeObject): string[] {
  try {
    new Model(o).validate();
    return [];
  } catch (err) {
    return [(err as Error).message];
  }
}
