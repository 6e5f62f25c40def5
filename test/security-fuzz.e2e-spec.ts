import fc from 'fast-check';
import { GrpcInferenceClient } from '@switchyard/grpc/testing';
import { writeAuthFile } from './support/auth-fixture';
import { appRoutes, type AppRoute } from './support/app-routes';
import { startTestServer, type TestServer } from './support/inference-server';
import { bodyArb, binaryBody, modelInferMessage, numberText, paramValue, printable, send } from './support/fuzz-requests';
import { openRawHttp, sendRawHttp } from './support/raw-http';

const RUNS = 400;
const GRPC_RUNS = 300;
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
const row = Array.from({ length: 16 }, (_, i) => i / 16);
const MLP_JSON = { inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: row }] };

/**
 * Fuzzing the real app (fast-check): random methods, paths from the app's own route list (with
 * real and hostile parameter values), headers and bodies, with and without keys: no answer may be
 * a 5xx and the server must stay alive. Then the classes of Triton's security fixes as explicit
 * cases: a body in 100,000 tiny chunks, shapes whose product overflows 64 bits, thousands of
 * requested outputs, model names with `../`, absurd Inference-Header-Content-Length values.
 */
describe('Security: fuzzing every route (e2e)', () => {
  const auth = writeAuthFile([
    { name: 'all', scopes: ['health', 'metadata', 'inference', 'model-repository', 'statistics', 'jobs', 'metrics', 'admin'] },
    { name: 'reader', scopes: ['metadata'], limits: { models: ['dtype_*'] } },
  ]);
  let server: TestServer;
  let routes: AppRoute[];

  beforeAll(async () => {
    server = await startTestServer({
      MODELS: 'mlp_tiny,dtype_echo',
      DISABLED_DEVICES: 'gpu:0',
      AUTH_FILE: auth.path,
      // bodies from 256 bytes on are decoded on a codec worker: both decoding paths are fuzzed
      CODEC_OFFLOAD_BYTES: 256,
    });
    // the job result stream is a WebSocket gateway, outside the controllers' list
    routes = [...appRoutes(server.app), { method: 'GET', path: '/v1/stream' }];
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  const expectAlive = async () => {
    expect((await fetch(`${server.url}/v2/health/live`)).status).toBe(200);
    const res = await fetch(`${server.url}/v2/models/mlp_tiny/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${auth.keys.all}` },
      body: JSON.stringify(MLP_JSON),
    });
    expect(res.status).toBe(200);
  };

  it('reads the real route list', () => {
    const listed = routes.map((r) => `${r.method} ${r.path}`);
    expect(listed).toContain('POST /v2/models/:model/infer');
    expect(listed).toContain('DELETE /v1/jobs/:id');
    expect(routes.length).toBeGreaterThanOrEqual(25);
  });

  it(`answers ${RUNS} random requests on every route without a 5xx, and stays alive`, async () => {
    const request = fc.record({
      route: fc.constantFrom(...routes),
      ownMethod: fc.boolean(),
      method: fc.constantFrom(...METHODS),
      params: fc.array(paramValue, { minLength: 4, maxLength: 4 }),
      suffix: fc.oneof(
        fc.constant(''),
        fc.constant('/'),
        fc.constant('?x=1'),
        printable.map((s) => `?q=${encodeURIComponent(s)}`),
      ),
      key: fc.constantFrom<'all' | 'reader' | 'bad' | 'none' | 'x-api-key'>('all', 'reader', 'bad', 'none', 'x-api-key'),
      headers: fc.record(
        {
          'content-type': fc.constantFrom(
            'application/json',
            'application/octet-stream',
            'text/plain',
            'application/x+json',
            'multipart/form-data',
          ),
          'inference-header-content-length': numberText,
          'content-encoding': fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x'),
          'x-request-id': printable,
          'x-switchyard-session': printable,
          accept: printable,
          upgrade: fc.constantFrom('websocket', 'h2c', 'x'),
          connection: fc.constantFrom('upgrade', 'close'),
          'sec-websocket-key': fc.constantFrom('dGhlIHNhbXBsZSBub25jZQ==', '', 'x'),
          'sec-websocket-version': fc.constantFrom('13', '8', 'x'),
        },
        { requiredKeys: [] },
      ),
      body: fc.oneof(
        bodyArb.map((body) => ({ body, headerLength: undefined })),
        binaryBody,
      ),
    });
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        let i = 0;
        const path = r.route.path.replace(/:[a-z_]+/g, () => r.params[i++]) + r.suffix;
        const method = r.ownMethod ? r.route.method : r.method;
        const headers: Record<string, string> = { ...r.headers };
        if (r.key === 'all' || r.key === 'reader') headers.authorization = `Bearer ${auth.keys[r.key]}`;
        if (r.key === 'bad') headers.authorization = 'Bearer not-a-key';
        if (r.key === 'x-api-key') headers['x-api-key'] = auth.keys.all;
        const body = method === 'GET' || method === 'HEAD' ? undefined : r.body.body;
        if (r.body.headerLength !== undefined) headers['inference-header-content-length'] = r.body.headerLength;
        const answer = await send(server.url, method, path, headers, body);
        seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
        if (answer.status >= 500) throw new Error(`${method} ${path} -> ${answer.status} ${answer.body}`);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    // the requests got past the router and the guard, into the handlers and validators
    for (const status of [200, 400, 401, 403, 404]) expect(seen.get(status) ?? 0).toBeGreaterThan(0);
    await expectAlive();
  }, 300_000);

  it(`answers ${GRPC_RUNS} random gRPC ModelInfer calls without INTERNAL or UNKNOWN, and stays alive`, async () => {
    const grpc = new GrpcInferenceClient(server.grpcAddress!);
    try {
      await fc.assert(
        fc.asyncProperty(modelInferMessage, fc.boolean(), async (m, keyed) => {
          const metadata: Record<string, string> = keyed ? { authorization: `Bearer ${auth.keys.all}` } : {};
          const code = await grpc.call('ModelInfer', m, { metadata, deadlineMs: 20_000 }).then(
            () => 0,
            (err: { code?: number; message: string }) => {
              if (err.code === undefined) throw err;
              return err.code;
            },
          );
          // 2 UNKNOWN, 13 INTERNAL: a server fault; 4 DEADLINE_EXCEEDED: no answer
          if ([2, 4, 13].includes(code)) throw new Error(`ModelInfer ${JSON.stringify(m).slice(0, 300)} -> gRPC code ${code}`);
        }),
        { numRuns: GRPC_RUNS, endOnFailure: true },
      );
    } finally {
      grpc.close();
    }
    await expectAlive();
  }, 300_000);

  it('reads a body sent in 100,000 one-byte chunks (chunked transfer encoding, raw socket writes)', async () => {
    const json = JSON.stringify(MLP_JSON);
    const body = json + ' '.repeat(100_000 - json.length);
    const { socket, response } = openRawHttp(server.url, 120_000);
    socket.setNoDelay(true);
    socket.write(
      `POST /v2/models/mlp_tiny/infer HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${auth.keys.all}\r\n` +
        'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
    );
    for (let i = 0; i < body.length; i++) socket.write(`1\r\n${body[i]}\r\n`);
    socket.write('0\r\n\r\n');
    const res = await response;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString()).outputs[0].shape).toEqual([1, 8]);
    // the same number of chunks of junk: a 400, not a crash
    const junk = openRawHttp(server.url, 120_000);
    junk.socket.write(
      `POST /v2/models/mlp_tiny/infer HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${auth.keys.all}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`,
    );
    for (let i = 0; i < 100_000; i++) junk.socket.write('1\r\n\x01\r\n');
    junk.socket.write('0\r\n\r\n');
    expect((await junk.response).status).toBe(400);
    await expectAlive();
  }, 120_000);

  const infer = (model: string, body: unknown, headers: Record<string, string> = {}) =>
    send(
      server.url,
      'POST',
      `/v2/models/${model}/infer`,
      { 'content-type': 'application/json', authorization: `Bearer ${auth.keys.all}`, ...headers },
      Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    );

  /** dtype_echo's other inputs, one valid element each. */
  const echoRest = ['in_fp16:FP16', 'in_int64:INT64', 'in_int32:INT32', 'in_int8:INT8', 'in_uint8:UINT8', 'in_bool:BOOL'].map((s) => {
    const [name, datatype] = s.split(':');
    return { name, datatype, shape: [1], data: [datatype === 'BOOL' ? true : 1] };
  });

  it.each([
    ['2^32 x 2^32 x 16 (2^68)', 'mlp_tiny', 'input', '[4294967296,4294967296,16]'],
    ['2^32 x 2^32 on a rank-1 model', 'dtype_echo', 'in_fp32', '[4294967296,4294967296]'],
    ['2^62 elements', 'dtype_echo', 'in_fp32', '[4611686018427387904]'],
    ['a dim of 2^64 + 1 (not a safe integer)', 'dtype_echo', 'in_fp32', '[18446744073709551617]'],
    ['2^53 rows of 16', 'mlp_tiny', 'input', '[9007199254740992,16]'],
  ])('refuses a shape whose element count overflows 64 bits: %s', async (_what, model, name, shape) => {
    // the shapes as raw JSON text: JSON.stringify would round 2^64 + 1
    const rest = model === 'dtype_echo' ? echoRest.map((t) => `,${JSON.stringify(t)}`).join('') : '';
    const res = await infer(model, `{"inputs":[{"name":"${name}","datatype":"FP32","shape":${shape},"data":[1]}${rest}]}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatch(new RegExp(`input '${name}': (shape|batch size)`));
    const binary = Buffer.from(
      `{"inputs":[{"name":"${name}","datatype":"FP32","shape":${shape},"parameters":{"binary_data_size":4}}${rest}]}`,
    );
    const bin = await send(
      server.url,
      'POST',
      `/v2/models/${model}/infer`,
      { 'inference-header-content-length': String(binary.length), authorization: `Bearer ${auth.keys.all}` },
      Buffer.concat([binary, Buffer.alloc(4)]),
    );
    expect(bin.status).toBe(400);
  });

  it('refuses requests for thousands of outputs quickly, as plain requests and as jobs', async () => {
    const same = await infer('mlp_tiny', { ...MLP_JSON, outputs: Array.from({ length: 5000 }, () => ({ name: 'output' })) });
    expect(same.status).toBe(400);
    expect(same.body).toContain("output 'output' is requested twice");
    const distinct = await infer('mlp_tiny', { ...MLP_JSON, outputs: Array.from({ length: 20_000 }, (_, i) => ({ name: `o${i}` })) });
    expect(distinct.status).toBe(400);
    expect(distinct.body).toContain("unknown output 'o0'");
    const job = await send(
      server.url,
      'POST',
      '/v1/jobs',
      { 'content-type': 'application/json', authorization: `Bearer ${auth.keys.all}` },
      Buffer.from(
        JSON.stringify({ model_name: 'mlp_tiny', ...MLP_JSON, outputs: Array.from({ length: 5000 }, () => ({ name: 'output' })) }),
      ),
    );
    expect(job.status).toBe(400);
    await expectAlive();
  });

  it.each([
    '/v2/models/..%2F..%2Fetc%2Fpasswd/infer',
    '/v2/models/%2e%2e%2fmlp_tiny/infer',
    '/v2/models/../mlp_tiny/infer',
    '/v2/models/mlp_tiny%2F..%2F..%2Fdtype_echo/infer',
    '/v2/repository/models/..%2Fmodels%2Fmlp_tiny/load',
    '/v2/repository/models/%2e%2e/unload',
    '/v2/models/..%2F..%2Fetc%2Fpasswd/config',
    '/v1/models/..%2Fmlp_tiny/rollout',
  ])('refuses the model name in %s with a 4xx', async (path) => {
    const res = await send(
      server.url,
      'POST',
      path,
      { 'content-type': 'application/json', authorization: `Bearer ${auth.keys.all}` },
      Buffer.from(JSON.stringify(MLP_JSON)),
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body).not.toContain('root:');
  });

  it.each(['-1', '99999999999999999999999', 'abc', '', '1.5', '0x10', '1e3', '100000', String(2 ** 53 + 1), '12, 12'])(
    'refuses Inference-Header-Content-Length %j with a 400',
    async (value) => {
      const json = Buffer.from(JSON.stringify(MLP_JSON));
      const res = await sendRawHttp(
        server.url,
        Buffer.concat([
          Buffer.from(
            `POST /v2/models/mlp_tiny/infer HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${auth.keys.all}\r\n` +
              `Inference-Header-Content-Length: ${value}\r\nContent-Length: ${json.length}\r\nConnection: close\r\n\r\n`,
          ),
          json,
        ]),
      );
      expect(res.status).toBe(400);
      expect(res.body.toString()).toMatch(/Inference-Header-Content-Length|binary data|malformed JSON|larger than the body/);
    },
  );

  it.each([
    ['h2c on a plain route (curl --http2 on http://)', '/v2/health/live', 'h2c', 400, 'Upgrade: h2c is not supported'],
    ['a WebSocket handshake on another path', '/v2/models/mlp_tiny', 'websocket', 404, 'the job result stream is /v1/stream'],
  ])('answers an Upgrade request no endpoint takes with a 4xx, not a hang-up: %s', async (_what, path, protocol, status, error) => {
    const res = await sendRawHttp(
      server.url,
      Buffer.from(
        `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: ${protocol}\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      ),
    );
    expect(res.status).toBe(status);
    expect((JSON.parse(res.body.toString()) as { error: string }).error).toContain(error);
  });

  it('is alive after all of it', async () => {
    await expectAlive();
  });
});
