import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containersOf, renderKustomization } from '../libs/metrics/src/testing/kustomize-render';
import { RedisServer } from '@switchyard/jobs/testing';
import { startTestServer, type TestServer } from './support/inference-server';
import { modelRepository, repoRoot } from './support/repo-paths';

/**
 * The Kubernetes Deployment's own settings boot the real service, and every path its probes and
 * the ServiceMonitor ask for answers: the rendered overlay's environment (cluster addresses and
 * volume paths swapped for this host's: a real redis-server, the demo models, a temp folder).
 */
describe.each([['cpu'], ['gpu']])('Kubernetes %s overlay against the real service (e2e)', (overlay: string) => {
  const objects = renderKustomization(join(repoRoot(), 'deploy/kubernetes/overlays', overlay));
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'switchyard')!;
  const [container] = containersOf(deployment);
  const redis = new RedisServer();
  let server: TestServer;

  beforeAll(async () => {
    await redis.start();
    const env: Record<string, string> = {};
    for (const e of container.env as { name: string; value?: string }[])
      if (e.name.startsWith('SWITCHYARD_')) env[e.name.slice('SWITCHYARD_'.length)] = e.value ?? 'k8s-pod';
    const here = {
      HOST: '127.0.0.1',
      PORT: '0',
      REDIS_URL: redis.url,
      MODEL_REPOSITORY: modelRepository(),
      PROFILES_DIR: mkdtempSync(join(tmpdir(), 'sy-k8s-')),
    };
    // only what the cluster names differently is replaced; every other manifest setting applies as written
    expect(Object.keys(here).filter((k) => !(k in env))).toEqual([]);
    server = await startTestServer({ ...env, ...here, CALIBRATION: 'skip', DISABLED_DEVICES: 'gpu:0' });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await redis.stop();
  });

  it('answers 200 on the liveness, readiness and startup probe paths and on the scraped metrics path', async () => {
    const monitor = objects.find((o) => o.kind === 'ServiceMonitor')!;
    const paths = [
      container.livenessProbe.httpGet.path,
      container.readinessProbe.httpGet.path,
      container.startupProbe.httpGet.path,
      ...monitor.spec.endpoints.map((e: { path: string }) => e.path),
    ];
    for (const path of paths) {
      const res = await fetch(`${server.url}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('switchyard_queue_wait_seconds');
  }, 30_000);
});
