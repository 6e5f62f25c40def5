import { ModulesContainer, Reflector } from '@nestjs/core';
import { PUBLIC_METADATA, SCOPE_METADATA } from '@switchyard/common';
import { writeAuthFile } from './support/auth-fixture';
import { startTestServer, type TestServer } from './support/inference-server';

const row = Array.from({ length: 16 }, (_, i) => i / 16);
const mlpBody = (parameters: Record<string, unknown> = {}) =>
  JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: row }], parameters });
const JSON_TYPE = { 'content-type': 'application/json' };
/** A full cnn_small batch (32 images as JSON, about 0.25 MB): a request that holds its slot for milliseconds, even on a fast host. */
const cnnBatchBody = JSON.stringify({
  inputs: [{ name: 'image', datatype: 'FP32', shape: [32, 1, 28, 28], data: Array.from({ length: 32 * 784 }, (_, i) => (i % 255) / 255) }],
});

/**
 * Tenants, keys and scopes on the real app over HTTP: 401 without a known key (with its
 * challenge), 403 out of scope, model or device, the priority ceiling clamped and said, 429 over
 * a rate or in-flight limit, probes open.
 */
describe('Security: tenants, keys, scopes and limits (e2e)', () => {
  const auth = writeAuthFile([
    { name: 'shop', scopes: ['inference', 'metadata', 'health'], limits: { max_priority: 3, models: ['mlp_*'], devices: ['cpu:*'] } },
    { name: 'ops', scopes: ['admin', 'statistics', 'metrics', 'model-repository', 'metadata', 'inference', 'health', 'jobs'] },
    { name: 'metered', scopes: ['inference'], limits: { requests_per_second: 0.1, burst: 2 } },
    { name: 'narrow', scopes: ['inference'], limits: { max_inflight: 1 } },
    { name: 'reader', scopes: ['metadata'] },
  ]);
  let server: TestServer;
  const call = (path: string, key: string | undefined, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, {
      ...init,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(init.headers as Record<string, string>) },
    });
  const infer = (key: string | undefined, model = 'mlp_tiny', parameters: Record<string, unknown> = {}) =>
    call(`/v2/models/${model}/infer`, key, { method: 'POST', body: mlpBody(parameters), headers: JSON_TYPE });

  beforeAll(async () => {
    server = await startTestServer({ AUTH_FILE: auth.path, AUTH: 'required' });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  it('keeps liveness and readiness open for probes', async () => {
    expect((await call('/v2/health/live', undefined)).status).toBe(200);
    expect((await call('/v2/health/ready', undefined)).status).toBe(200);
  });

  it.each([
    ['no key', {}, 'an API key is required'],
    ['an unknown key', { authorization: 'Bearer not-a-key' }, 'unknown API key'],
    ['an unknown X-API-Key', { 'x-api-key': 'not-a-key' }, 'unknown API key'],
    ['a malformed Authorization header', { authorization: 'Basic abc' }, 'must be "Bearer <key>"'],
  ])('answers 401 with a WWW-Authenticate challenge for %s', async (_what, headers, error) => {
    const res = await fetch(`${server.url}/v2/models/mlp_tiny/infer`, {
      method: 'POST',
      body: mlpBody(),
      headers: { ...JSON_TYPE, ...headers },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="switchyard"');
    expect(((await res.json()) as { error: string }).error).toContain(error);
  });

  it('accepts a key as Bearer or as X-API-Key, and returns the request id', async () => {
    expect((await infer(auth.keys.ops)).status).toBe(200);
    const res = await fetch(`${server.url}/v2/models/mlp_tiny/infer`, {
      method: 'POST',
      body: mlpBody(),
      headers: { ...JSON_TYPE, 'x-api-key': auth.keys.ops, 'x-request-id': 'req-42' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-42');
  });

  it.each([
    ['a route outside its scopes', 'GET', '/v1/scheduler', 'does not have the "admin" scope'],
    ['metrics without the metrics scope', 'GET', '/metrics', 'does not have the "metrics" scope'],
    ['the repository without model-repository', 'POST', '/v2/repository/index', 'does not have the "model-repository" scope'],
    ['a model outside its allow-list (infer)', 'POST', '/v2/models/cnn_small/infer', 'may not use model "cnn_small"'],
    ['a model outside its allow-list (metadata)', 'GET', '/v2/models/cnn_small', 'may not use model "cnn_small"'],
    ['load without model-repository', 'POST', '/v2/repository/models/mlp_tiny/load', 'does not have the "model-repository" scope'],
    ['unload without model-repository', 'POST', '/v2/repository/models/mlp_tiny/unload', 'does not have the "model-repository" scope'],
    ['statistics without the statistics scope', 'GET', '/v2/models/stats', 'does not have the "statistics" scope'],
    ["a model's statistics without the statistics scope", 'GET', '/v2/models/mlp_tiny/stats', 'does not have the "statistics" scope'],
    ['the live stats without the statistics scope', 'GET', '/v1/stats', 'does not have the "statistics" scope'],
    ['a rollout without admin', 'PUT', '/v1/models/mlp_tiny/rollout', 'does not have the "admin" scope'],
    ['the rollout state without admin', 'GET', '/v1/models/mlp_tiny/rollout', 'does not have the "admin" scope'],
    ['the devices without admin', 'GET', '/v1/devices', 'does not have the "admin" scope'],
    ['jobs without the jobs scope', 'POST', '/v1/jobs', 'does not have the "jobs" scope'],
  ])('answers 403 for %s', async (_what, method, path, error) => {
    const res = await call(path, auth.keys.shop, {
      method,
      ...(method === 'POST' || method === 'PUT' ? { body: '{}', headers: JSON_TYPE } : {}),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toContain(error);
  });

  it('answers 403 for feedback without the inference scope', async () => {
    const res = await call('/v1/feedback', auth.keys.reader, { method: 'POST', body: '{"id": "x", "label": "1"}', headers: JSON_TYPE });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toContain('does not have the "inference" scope');
  });

  it('answers 403 for a device outside the allow-list, and runs on one inside it', async () => {
    const gpu = await infer(auth.keys.shop, 'mlp_tiny', { device: 'gpu:0' });
    expect(gpu.status).toBe(403);
    expect(((await gpu.json()) as { error: string }).error).toContain('may not run on device "gpu:0"');
    const cpu = await infer(auth.keys.shop, 'mlp_tiny', { device: 'cpu:0' });
    expect(cpu.status).toBe(200);
  });

  it('places an unpinned request only on allowed devices', async () => {
    for (let i = 0; i < 4; i++) {
      const res = await infer(auth.keys.shop);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { parameters: { device: string } };
      expect(body.parameters.device).toMatch(/^cpu:/);
    }
  });

  it('clamps a priority above the ceiling and says so; leaves one within it alone', async () => {
    const high = (await (await infer(auth.keys.shop, 'mlp_tiny', { priority: 1 })).json()) as { parameters: Record<string, unknown> };
    expect(high.parameters.priority).toBe(3);
    expect(high.parameters.priority_clamped_from).toBe(1);
    const low = (await (await infer(auth.keys.shop, 'mlp_tiny', { priority: 7 })).json()) as { parameters: Record<string, unknown> };
    expect(low.parameters.priority_clamped_from).toBeUndefined();
    // the default level (5) is within the ceiling (3): nothing to clamp
    const none = (await (await infer(auth.keys.shop)).json()) as { parameters: Record<string, unknown> };
    expect(none.parameters.priority_clamped_from).toBeUndefined();
  });

  it('answers 429 with Retry-After over the tenant rate, and other tenants are not affected', async () => {
    expect((await infer(auth.keys.metered)).status).toBe(200);
    expect((await infer(auth.keys.metered)).status).toBe(200);
    const over = await infer(auth.keys.metered);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await over.json()) as { error: string }).error).toContain('tenant "metered" is over its rate limit');
    expect((await infer(auth.keys.ops)).status).toBe(200);
  });

  it('answers 429 over max_inflight and frees the slots once answered', async () => {
    // slow enough requests that they overlap: with a model that answers in microseconds, 16 requests could pass one by one
    const slow = () =>
      call('/v2/models/cnn_small/infer', auth.keys.narrow, { method: 'POST', body: cnnBatchBody, headers: JSON_TYPE }).then(
        async (r) => (await r.arrayBuffer(), r.status),
      );
    const statuses = await Promise.all(Array.from({ length: 16 }, slow));
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    // a slot is freed when its response has closed on the server, a moment after the client read it
    let after = 0;
    for (let i = 0; i < 50 && after !== 200; i++) {
      after = (await infer(auth.keys.narrow)).status;
      if (after !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(after).toBe(200);
  });

  it('lets a tenant with the scope call admin and statistics routes', async () => {
    expect((await call('/v1/scheduler', auth.keys.ops)).status).toBe(200);
    expect((await call('/v1/stats', auth.keys.ops)).status).toBe(200);
    expect((await call('/metrics', auth.keys.ops)).status).toBe(200);
    expect((await call('/v2/models/stats', auth.keys.ops)).status).toBe(200);
    expect((await call('/v1/devices', auth.keys.ops)).status).toBe(200);
    expect((await call('/v1/models/mlp_tiny/rollout', auth.keys.ops)).status).not.toBe(403);
    const index = await call('/v2/repository/index', auth.keys.ops, { method: 'POST', body: '{}', headers: JSON_TYPE });
    expect(index.status).toBe(200);
    expect(((await index.json()) as { name: string }[]).some((m) => m.name === 'mlp_tiny')).toBe(true);
  });

  it('declares a scope (or Public) on every route of the app', () => {
    const reflector = server.app.get(Reflector);
    const undeclared: string[] = [];
    for (const module of server.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const type = wrapper.metatype as (new (...args: unknown[]) => object) | null;
        if (!type) continue;
        for (const name of Object.getOwnPropertyNames(type.prototype)) {
          const handler = type.prototype[name as keyof object] as unknown;
          if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata('method', handler) === undefined) continue;
          const targets = [handler, type];
          if (!reflector.getAllAndOverride(SCOPE_METADATA, targets) && !reflector.getAllAndOverride(PUBLIC_METADATA, targets))
            undeclared.push(`${type.name}.${name}`);
        }
      }
    }
    expect(undeclared).toEqual([]);
  });
});
