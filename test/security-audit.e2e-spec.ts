import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../apps/server/src/bootstrap';
import { writeAuthFile } from './support/auth-fixture';
import { startTestServer, type TestServer } from './support/inference-server';
import { SwitchyardNode } from './support/jobs-node-process';
import { waitFor } from './support/jobs-ports';
import WebSocket from 'ws';
import { GrpcInferenceClient } from '@switchyard/grpc/testing';

const row = Array.from({ length: 16 }, (_, i) => (i + 0.123456) / 16);
const MLP_BODY = JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: row }] });
const SAMPLED_REQUESTS = 200;
const SAMPLE = 0.25;

type Line = Record<string, unknown>;

/** Opens the job stream and resolves with the status of its first frame (ready, or the refusal). */
function streamStatus(base: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/v1/stream`, { headers });
    ws.once('message', (data) => {
      const frame = JSON.parse((data as Buffer).toString()) as { event: string; data: { status?: number } };
      resolve(frame.event === 'ready' ? 101 : (frame.data.status ?? 0));
      ws.close();
    });
    ws.once('error', reject);
  });
}
const parseLines = (text: string): Line[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);

/**
 * The audit log (pino) on the real app, read back from its file: successful inference calls
 * sampled at SWITCHYARD_AUDIT_SAMPLE, while every auth failure (401, 403), every admin and
 * repository call (load/unload, rollouts, scheduler and devices) is written, refused job stream
 * connections too (their upgrade bypasses Fastify's hooks); request ids are the
 * clients' x-request-id, returned; never keys or tensor values. Then `-`: the lines on stdout.
 */
describe('Security: the audit log (e2e)', () => {
  const auditFile = join(mkdtempSync(join(tmpdir(), 'sy-audit-')), 'logs', 'audit.jsonl');
  const auth = writeAuthFile([
    { name: 'shop', scopes: ['inference', 'metadata'] },
    { name: 'ops', scopes: ['admin', 'model-repository', 'metadata'] },
  ]);
  const as = (tenant: string, id: string, extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${auth.keys[tenant]}`,
    'x-request-id': id,
    ...extra,
  });
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      MODELS: 'mlp_tiny',
      MODEL_CONTROL: 'explicit',
      DISABLED_DEVICES: 'gpu:0',
      AUTH_FILE: auth.path,
      AUDIT_FILE: auditFile,
      AUDIT_SAMPLE: SAMPLE,
    });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  const readUntil = (requestId: string) =>
    waitFor(
      `the audit line of ${requestId}`,
      async () => {
        const text = readFileSync(auditFile, 'utf8');
        const lines = parseLines(text);
        return lines.some((l) => l.request_id === requestId) ? { text, lines } : undefined;
      },
      10_000,
      50,
    );

  it('samples successful inference calls and always writes refusals and admin calls', async () => {
    const infer = (id: string, headers: Record<string, string>) =>
      fetch(`${server.url}/v2/models/mlp_tiny/infer`, {
        method: 'POST',
        body: MLP_BODY,
        headers: { 'content-type': 'application/json', ...headers, 'x-request-id': id },
      });
    for (let start = 0; start < SAMPLED_REQUESTS; start += 20) {
      const batch = await Promise.all(Array.from({ length: 20 }, (_, i) => infer(`ok-${start + i}`, as('shop', ''))));
      expect(batch.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(batch.map((r) => r.headers.get('x-request-id'))).toEqual(Array.from({ length: 20 }, (_, i) => `ok-${start + i}`));
    }
    expect((await infer('no-key', {})).status).toBe(401);
    expect((await infer('bad-key', { authorization: 'Bearer not-a-key' })).status).toBe(401);
    expect((await fetch(`${server.url}/v1/scheduler`, { headers: as('shop', 'shop-scheduler') })).status).toBe(403);
    expect((await fetch(`${server.url}/v1/scheduler`, { headers: as('ops', 'ops-scheduler') })).status).toBe(200);
    expect((await fetch(`${server.url}/v1/devices`, { headers: as('ops', 'ops-devices') })).status).toBe(200);
    const rollout = await fetch(`${server.url}/v1/models/mlp_tiny/rollout`, {
      method: 'PUT',
      headers: as('ops', 'ops-rollout', { 'content-type': 'application/json' }),
      body: JSON.stringify({ primary: '1', candidate: '2' }),
    });
    expect(rollout.status).toBeGreaterThanOrEqual(400); // mlp_tiny has one version: refused, still audited
    expect(await streamStatus(server.url, { 'x-request-id': 'ws-no-key' })).toBe(401);
    expect(await streamStatus(server.url, as('shop', 'ws-shop'))).toBe(403);
    const post = (path: string, id: string) => fetch(`${server.url}${path}`, { method: 'POST', headers: as('ops', id) });
    expect((await post('/v2/repository/models/mlp_tiny/unload', 'ops-unload')).status).toBe(200);
    expect((await post('/v2/repository/models/mlp_tiny/load', 'ops-load')).status).toBe(200);

    const { text, lines } = await readUntil('ops-load');
    const byId = (id: string) => lines.find((l) => l.request_id === id);
    const served = lines.filter((l) => String(l.request_id).startsWith('ok-'));
    // binomial(200, 0.25): mean 50, sd 6.1; 20..80 is about five sd each side
    expect(served.length).toBeGreaterThanOrEqual(20);
    expect(served.length).toBeLessThanOrEqual(80);
    for (const line of served) {
      expect(line).toMatchObject({ log: 'audit', tenant: 'shop', scope: 'inference', model: 'mlp_tiny', version: '1', status: 200 });
      expect(line.device).toMatch(/^cpu:/);
      expect(line.bytes_in).toBe(MLP_BODY.length);
      expect(line.bytes_out).toBeGreaterThan(0);
      expect(typeof line.latency_ms).toBe('number');
      expect(Number.isNaN(Date.parse(String(line.time)))).toBe(false);
      expect(line.input_sha256).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
    expect(byId('no-key')).toMatchObject({ status: 401, scope: 'inference', model: 'mlp_tiny' });
    expect(byId('no-key')!.tenant).toBeUndefined();
    expect(byId('bad-key')).toMatchObject({ status: 401 });
    expect(byId('shop-scheduler')).toMatchObject({ status: 403, tenant: 'shop', scope: 'admin', route: '/v1/scheduler' });
    expect(byId('ops-scheduler')).toMatchObject({ status: 200, tenant: 'ops', scope: 'admin', method: 'GET' });
    expect(byId('ops-devices')).toMatchObject({ status: 200, tenant: 'ops', scope: 'admin', route: '/v1/devices' });
    expect(byId('ops-rollout')).toMatchObject({ tenant: 'ops', scope: 'admin', method: 'PUT', model: 'mlp_tiny' });
    expect(byId('ws-no-key')).toMatchObject({ status: 401, scope: 'jobs', method: 'GET', route: '/v1/stream' });
    expect(byId('ws-shop')).toMatchObject({ status: 403, tenant: 'shop', scope: 'jobs', route: '/v1/stream' });
    expect(byId('ops-unload')).toMatchObject({ status: 200, tenant: 'ops', scope: 'model-repository', model: 'mlp_tiny' });
    expect(byId('ops-load')).toMatchObject({ status: 200, tenant: 'ops', scope: 'model-repository', model: 'mlp_tiny' });
    // never keys or tensor values
    for (const key of Object.values(auth.keys)) expect(text).not.toContain(key);
    expect(text).not.toContain('not-a-key');
    expect(text).not.toContain(String(row[3]));
  }, 120_000);

  it('writes gRPC calls by the same rules: refusals and repository calls always', async () => {
    const grpc = new GrpcInferenceClient(server.grpcAddress!);
    try {
      const refused = await grpc
        .call('ModelInfer', { model_name: 'mlp_tiny', inputs: [] }, { metadata: { 'x-request-id': 'grpc-no-key' } })
        .then(
          () => 'answered',
          (err: { code: number }) => err.code,
        );
      expect(refused).toBe(16); // UNAUTHENTICATED
      await grpc.call('RepositoryIndex', {}, { metadata: { authorization: `Bearer ${auth.keys.ops}`, 'x-request-id': 'grpc-index' } });
    } finally {
      grpc.close();
    }
    const { lines } = await readUntil('grpc-index');
    const byId = (id: string) => lines.find((l) => l.request_id === id);
    expect(byId('grpc-no-key')).toMatchObject({
      method: 'gRPC',
      route: '/inference.GRPCInferenceService/ModelInfer',
      scope: 'inference',
      model: 'mlp_tiny',
      status: 401,
    });
    expect(byId('grpc-index')).toMatchObject({ method: 'gRPC', scope: 'model-repository', tenant: 'ops', status: 200 });
  });

  it('stops the boot with the option named when the file cannot be written', async () => {
    // a folder where the file should be, under a plain file: ENOTDIR
    await expect(createApp({ MODELS: 'mlp_tiny', AUDIT_FILE: join(auditFile, 'sub', 'audit.jsonl'), LOG_LEVEL: 'error' })).rejects.toThrow(
      /SWITCHYARD_AUDIT_FILE: cannot write .*audit\.jsonl.*ENOTDIR/,
    );
  });

  it('writes the lines to stdout with SWITCHYARD_AUDIT_FILE=-', async () => {
    const node = new SwitchyardNode('audit-stdout', {
      SWITCHYARD_MODELS: 'mlp_tiny',
      SWITCHYARD_AUDIT_FILE: '-',
      SWITCHYARD_LOG_LEVEL: 'warn',
    });
    try {
      await node.start();
      const res = await fetch(`${node.url}/v2/models/mlp_tiny/infer`, {
        method: 'POST',
        body: MLP_BODY,
        headers: { 'content-type': 'application/json', 'x-request-id': 'on-stdout' },
      });
      expect(res.status).toBe(200);
      const line = await waitFor(
        'the audit line on stdout',
        async () => parseLines(node.log()).find((l) => l.request_id === 'on-stdout'),
        10_000,
        50,
      );
      expect(line).toMatchObject({ log: 'audit', model: 'mlp_tiny', status: 200, bytes_in: MLP_BODY.length });
    } finally {
      await node.stop();
    }
  }, 120_000);
});
