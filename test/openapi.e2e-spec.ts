import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { checkOpenApiDocument, ResponseValidator } from '@switchyard/openapi/testing';
import WebSocket from 'ws';
import { createApp } from '../apps/server/src/bootstrap';
import { writeKeyPair } from './support/auth-fixture';
import { testServerOptions, waitUntilReady } from './support/inference-server';

type Json = Record<string, any>;

interface Operation {
  method: string;
  path: string;
  op: Json;
}

/** A route as Fastify registered it, in OpenAPI's template form (/v2/models/{model}). */
function templated(url: string): string {
  return url.replace(/:(\w+)/g, '{$1}');
}

/** Nest's answer for a route that does not exist (as opposed to a route that says "not found"). */
function isMissingRoute(status: number, body: unknown): boolean {
  return status === 404 && /^Cannot (GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) /.test(String((body as Json | undefined)?.error));
}

/** Documented operations whose example request is refused: the example job has finished by the time it is cancelled. */
const EXPECTED_REFUSALS = ['DELETE /v1/jobs/{id} 409'];

/** The document's operations in an order that keeps the server usable: destructive calls last. */
function operationsOf(doc: Json): Operation[] {
  const all = Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, op: op as Json })),
  );
  const last = (o: Operation) => Number(o.method === 'DELETE' || /\/unload$/.test(o.path));
  return all.sort((a, b) => last(a) - last(b));
}

/** The URL of an operation, path parameters from the document's examples unless given. */
function urlOf(base: string, { path, op }: Operation, values: Record<string, string>): string {
  const filled = path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const p = (op.parameters as Json[]).find((x) => x.in === 'path' && x.name === name);
    return encodeURIComponent(values[name] ?? String(p?.example));
  });
  return `${base}${filled}`;
}

function firstStreamMessage(url: string): Promise<Json> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'));
    const timer = setTimeout(() => reject(new Error(`no message from ${url}`)), 10_000);
    socket.once('message', (raw) => {
      clearTimeout(timer);
      socket.close();
      resolve(JSON.parse(Buffer.from(raw as Buffer).toString('utf8')) as Json);
    });
    socket.once('error', reject);
  });
}

/**
 * The OpenAPI document against the real app: it is valid OpenAPI 3, every route Fastify
 * registered is in it, nothing is in it that the app does not serve, and every documented
 * operation, called with a request built from the document (path examples, body examples),
 * answers with a status the document lists and a JSON body that matches its schema.
 */
describe('OpenAPI document (e2e)', () => {
  let app: NestFastifyApplication;
  let url: string;
  let doc: Json;
  const registered = new Set<string>();

  beforeAll(async () => {
    app = await createApp(
      testServerOptions({
        MODELS: 'mlp_tiny,cnn_small,mlp_versions',
        MODEL_CONTROL: 'explicit',
        DISABLED_DEVICES: 'gpu:0',
        // signed outputs on, so GET /v1/signing-key answers its documented 200
        SIGNING_KEY: writeKeyPair().privatePath,
      }),
    );
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onRoute', (route) => {
        for (const method of [route.method].flat()) if (method !== 'HEAD') registered.add(`${method} ${templated(route.url)}`);
      });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    url = `http://127.0.0.1:${address.port}`;
    await waitUntilReady(url, 90_000);
    const res = await fetch(`${url}/docs/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Json;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it('serves a valid OpenAPI 3 document at /docs/openapi.json', () => {
    expect(checkOpenApiDocument(doc)).toEqual([]);
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('documents every route the app registers, and only those', () => {
    const documented = new Set(
      operationsOf(doc)
        .filter((o) => !o.op['x-websocket'])
        .map((o) => `${o.method} ${o.path}`),
    );
    expect(registered.size).toBeGreaterThan(30);
    expect([...registered].filter((r) => !documented.has(r)).sort()).toEqual([]);
    expect([...documented].filter((r) => !registered.has(r)).sort()).toEqual([]);
  });

  it('answers every documented operation, with a documented status and body', async () => {
    const validator = new ResponseValidator(doc);
    const values: Record<string, string> = {};
    const problems: string[] = [];
    let answered = 0;
    const refused: string[] = [];
    for (const operation of operationsOf(doc)) {
      const { method, path, op } = operation;
      const target = urlOf(url, operation, values);
      if (op['x-websocket']) {
        const message = await firstStreamMessage(target);
        expect(message.event).toBe('ready');
        problems.push(...[validator.problem(method, path, 101, 'application/json', message)].filter((p): p is string => p !== undefined));
        answered++;
        continue;
      }
      const example = op.requestBody?.content['application/json']?.example as unknown;
      const res = await fetch(target, {
        method,
        ...(example !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(example) } : {}),
        signal: AbortSignal.timeout(20_000),
      });
      const contentType = res.headers.get('content-type');
      const text = await res.text();
      const body = contentType?.startsWith('application/json') ? (JSON.parse(text) as unknown) : text;
      if (isMissingRoute(res.status, body)) problems.push(`${method} ${target}: no such route (${text})`);
      const problem = validator.problem(method, path, res.status, contentType, body);
      if (problem) problems.push(`${problem} [${text.slice(0, 200)}]`);
      if (res.status >= 400) refused.push(`${method} ${path} ${res.status}`);
      if (path === '/v1/jobs' && res.status === 202) values.id = (body as Json).job_ids[0] as string;
      answered++;
    }
    expect(problems).toEqual([]);
    expect(values.id).toBeDefined();
    expect(answered).toBe(operationsOf(doc).length);
    // the examples make real calls: only these answer with an (app's, documented) error
    expect(refused.sort()).toEqual(EXPECTED_REFUSALS);
  }, 120_000);

  it('refuses to document an answer it did not promise (the validator is not vacuous)', () => {
    const validator = new ResponseValidator(doc);
    expect(validator.problem('GET', '/v2', 200, 'application/json', { name: 'switchyard', version: '1' })).toMatch(/does not match/);
    expect(validator.problem('GET', '/v2', 418, 'application/json', {})).toMatch(/does not list/);
    expect(validator.problem('GET', '/v2/nowhere', 200, 'application/json', {})).toMatch(/not documented/);
  });

  it('serves Swagger UI at /docs from the app itself, every file it loads included', async () => {
    const page = await fetch(`${url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThanOrEqual(5);
    for (const ref of refs) {
      expect(ref).toMatch(/^\/docs\//); // no CDN
      const res = await fetch(`${url}${ref}`);
      expect({ ref, status: res.status, size: (await res.arrayBuffer()).byteLength > 0 }).toEqual({ ref, status: 200, size: true });
    }
    const init = await (await fetch(`${url}/docs/assets/swagger-initializer.js`)).text();
    expect(init).toContain("url: '/docs/openapi.json'");
    expect((await fetch(`${url}/docs/assets/..%2Fpackage.json`)).status).toBe(404);
  });
});
