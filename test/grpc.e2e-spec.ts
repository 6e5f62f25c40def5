import { Client, credentials, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { ServingState } from '@switchyard/common';
import { DrainService } from '@switchyard/lifecycle';
import { DEMO_MODELS, type MlpSpec } from '@switchyard/models';
import { RuntimeService } from '@switchyard/runtime';
import type { SchedulerStatusDto } from '@switchyard/scheduler';
import { maxRelativeError, referenceMlp } from '@switchyard/models/testing';
import { GrpcInferenceClient } from '@switchyard/grpc/testing';
import { writeAuthFile } from './support/auth-fixture';
import { DTYPE_CASES, inName, outName } from './support/dtype-cases';
import { startTestServer, type TestServer } from './support/inference-server';
import { waitFor } from './support/jobs-ports';
import { asFloat32, bytesOf, postBinary, postJson, seededFloats } from './support/v2-client';

const MLP_TINY = DEMO_MODELS.find((m) => m.name === 'mlp_tiny') as MlpSpec;
const TOLERANCE = 1e-4;

/** The failed call's error (the test fails when the call succeeds). */
async function failure(call: Promise<unknown>): Promise<ServiceError> {
  try {
    await call;
  } catch (err) {
    return err as ServiceError;
  }
  throw new Error('the call succeeded; a failure was expected');
}

function rawRequest(input: Float32Array, batch: number, extra: Record<string, unknown> = {}) {
  return {
    model_name: 'mlp_tiny',
    inputs: [{ name: 'input', datatype: 'FP32', shape: [batch, 16] }],
    raw_input_contents: [bytesOf(input)],
    ...extra,
  };
}

/**
 * inference.GRPCInferenceService on the real app (real onnxruntime, demo models), called by a
 * client generated at run time from the committed .proto, side by side with the /v2 HTTP routes.
 */
describe('gRPC inference service (e2e, cpu:0)', () => {
  let server: TestServer;
  let grpc: GrpcInferenceClient;

  beforeAll(async () => {
    server = await startTestServer({
      DISABLED_DEVICES: 'gpu:0',
      MODELS: 'mlp_tiny,dtype_echo,bytes_echo',
      MODEL_CONTROL: 'explicit',
      // small enough for one test to pass it, far above what the others send
      MAX_INFLIGHT_BYTES: 100_000,
    });
    grpc = new GrpcInferenceClient(server.grpcAddress!);
  }, 120_000);

  afterAll(async () => {
    grpc?.close();
    await server?.close();
  });

  const httpGet = async (path: string): Promise<any> => (await fetch(`${server.url}${path}`)).json();

  describe('health and metadata', () => {
    it('answers ServerLive, ServerReady and ModelReady', async () => {
      expect(await grpc.call('ServerLive')).toEqual({ live: true });
      expect(await grpc.call('ServerReady')).toEqual({ ready: true });
      expect(await grpc.call('ModelReady', { name: 'mlp_tiny' })).toEqual({ ready: true });
      expect(await grpc.call('ModelReady', { name: 'mlp_tiny', version: '1' })).toEqual({ ready: true });
    });

    it('gives the same server and model metadata as GET /v2 and GET /v2/models/{m}', async () => {
      expect(await grpc.call('ServerMetadata')).toEqual(await httpGet('/v2'));
      const meta = await grpc.call('ModelMetadata', { name: 'mlp_tiny' });
      expect(meta).toEqual(await httpGet('/v2/models/mlp_tiny'));
      expect(meta).toMatchObject({ inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 16] }] });
      expect(await grpc.call('ModelMetadata', { name: 'bytes_echo', version: '1' })).toEqual(
        await httpGet('/v2/models/bytes_echo/versions/1'),
      );
    });
  });

  describe('ModelInfer', () => {
    const batch = 3;
    const input = seededFloats(batch * 16, 7);
    const expected = referenceMlp(MLP_TINY, input, batch);

    it('raw and typed contents give the same numbers as HTTP binary and JSON, and as the reference math', async () => {
      const raw = await grpc.call<any>('ModelInfer', rawRequest(input, batch, { id: 'r-1' }));
      const typed = await grpc.call<any>('ModelInfer', {
        model_name: 'mlp_tiny',
        inputs: [{ name: 'input', datatype: 'FP32', shape: [batch, 16], contents: { fp32_contents: Array.from(input) } }],
      });
      const httpJson = await postJson(server.url, '/v2/models/mlp_tiny/infer', {
        inputs: [{ name: 'input', datatype: 'FP32', shape: [batch, 16], data: Array.from(input) }],
      });
      const httpBinary = await postBinary(server.url, '/v2/models/mlp_tiny/infer', { parameters: { binary_data_output: true } }, [
        { name: 'input', datatype: 'FP32', shape: [batch, 16], bytes: bytesOf(input) },
      ]);
      expect([httpJson.status, httpBinary.status]).toEqual([200, 200]);

      expect(raw).toMatchObject({ model_name: 'mlp_tiny', model_version: '1', id: 'r-1' });
      expect(raw.outputs).toEqual([{ name: 'output', datatype: 'FP32', shape: [batch, 8], parameters: {}, contents: null }]);
      expect(raw.raw_output_contents).toHaveLength(1);
      expect(raw.raw_output_contents[0].equals(httpBinary.binary.get('output'))).toBe(true);
      expect(maxRelativeError(asFloat32(raw.raw_output_contents[0]), expected)).toBeLessThan(TOLERANCE);

      expect(typed.raw_output_contents).toEqual([]);
      expect(typed.outputs[0]).toMatchObject({ name: 'output', datatype: 'FP32', shape: [batch, 8] });
      expect(Float32Array.from(typed.outputs[0].contents.fp32_contents)).toEqual(asFloat32(raw.raw_output_contents[0]));
      expect(Float32Array.from(httpJson.json.outputs[0].data)).toEqual(asFloat32(raw.raw_output_contents[0]));

      // the response parameters are the HTTP ones (device, policy, batch size, timings)
      expect(raw.parameters.device).toEqual({ string_param: 'cpu:0', parameter_choice: 'string_param' });
      expect(raw.parameters.batch_size).toMatchObject({ int64_param: batch });
    });

    it('round-trips every dtype of dtype_echo in raw contents, byte for byte', async () => {
      const res = await grpc.call<any>('ModelInfer', {
        model_name: 'dtype_echo',
        inputs: DTYPE_CASES.map((c) => ({ name: inName(c.dtype), datatype: c.dtype, shape: [c.bytes.length] })),
        outputs: DTYPE_CASES.map((c) => ({ name: outName(c.dtype) })),
        raw_input_contents: DTYPE_CASES.map((c) => bytesOf(c.bytes)),
      });
      DTYPE_CASES.forEach((c, i) => {
        expect(res.outputs[i]).toMatchObject({ name: outName(c.dtype), datatype: c.dtype, shape: [c.bytes.length] });
        expect(res.raw_output_contents[i].equals(bytesOf(c.bytes))).toBe(true);
      });
    });

    it('round-trips BYTES in typed contents (bytes_contents) and in raw contents', async () => {
      const words = ['gRPC', '', 'é', 'naïve ✓'].map((w) => Buffer.from(w));
      const typed = await grpc.call<any>('ModelInfer', {
        model_name: 'bytes_echo',
        inputs: [{ name: 'in_bytes', datatype: 'BYTES', shape: [words.length], contents: { bytes_contents: words } }],
      });
      expect(typed.outputs[0]).toMatchObject({ name: 'out_bytes', datatype: 'BYTES', shape: [words.length] });
      expect(typed.outputs[0].contents.bytes_contents).toEqual(words);
      const serialized = Buffer.concat(words.flatMap((w) => [Buffer.from(Uint32Array.of(w.length).buffer), w]));
      const raw = await grpc.call<any>('ModelInfer', {
        model_name: 'bytes_echo',
        inputs: [{ name: 'in_bytes', datatype: 'BYTES', shape: [words.length] }],
        raw_input_contents: [serialized],
      });
      expect(raw.raw_output_contents[0].equals(serialized)).toBe(true);
    });

    it('counts its requests in the statistics that GET /v2/models/{m}/stats shows', async () => {
      const before = await grpc.call<any>('ModelStatistics', { name: 'mlp_tiny' });
      await grpc.call('ModelInfer', rawRequest(input, batch));
      const after = await grpc.call<any>('ModelStatistics', { name: 'mlp_tiny' });
      expect(after.model_stats[0].inference_count - before.model_stats[0].inference_count).toBe(batch);
      expect(after.model_stats[0].inference_stats.success.count - before.model_stats[0].inference_stats.success.count).toBe(1);
      const http = await httpGet('/v2/models/mlp_tiny/stats');
      expect(http.model_stats[0].inference_count).toBe(after.model_stats[0].inference_count);
      expect((await grpc.call<any>('ModelStatistics', {})).model_stats.map((s: any) => s.name).sort()).toEqual([
        'bytes_echo',
        'dtype_echo',
        'mlp_tiny',
      ]);
    });
  });

  describe('errors: the HTTP errors, mapped to gRPC codes', () => {
    it.each([
      [
        'an unknown model',
        { ...rawRequest(seededFloats(16, 1), 1), model_name: 'nope' },
        '/v2/models/nope/infer',
        404,
        GrpcStatus.NOT_FOUND,
      ],
      [
        'a wrong shape',
        rawRequest(seededFloats(16, 1), 1, { inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 15] }] }),
        '/v2/models/mlp_tiny/infer',
        400,
        GrpcStatus.INVALID_ARGUMENT,
      ],
      [
        'an unknown input',
        rawRequest(seededFloats(16, 1), 1, { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 16] }] }),
        '/v2/models/mlp_tiny/infer',
        400,
        GrpcStatus.INVALID_ARGUMENT,
      ],
    ])('%s: the same message as over HTTP', async (_what, request, path, httpStatus, code) => {
      const err = await failure(grpc.call('ModelInfer', request));
      const input = (request as any).inputs[0];
      const http = await postBinary(server.url, path, {}, [{ ...input, bytes: (request as any).raw_input_contents[0] }]);
      expect(http.status).toBe(httpStatus);
      expect({ code: err.code, details: err.details }).toEqual({ code, details: http.json.error });
    });

    it('refuses what only gRPC can get wrong with INVALID_ARGUMENT', async () => {
      const one = bytesOf(seededFloats(16, 1));
      const tooMany = await failure(grpc.call('ModelInfer', rawRequest(seededFloats(16, 1), 1, { raw_input_contents: [one, one] })));
      expect({ code: tooMany.code, details: tooMany.details }).toEqual({
        code: GrpcStatus.INVALID_ARGUMENT,
        details: 'raw_input_contents has 2 entries for 1 inputs: give one per input, in order',
      });
      const fp16 = await failure(
        grpc.call('ModelInfer', {
          model_name: 'dtype_echo',
          inputs: DTYPE_CASES.map((c) => ({ name: inName(c.dtype), datatype: c.dtype, shape: [c.bytes.length], contents: {} })),
        }),
      );
      expect(fp16.code).toBe(GrpcStatus.INVALID_ARGUMENT);
      expect(fp16.details).toContain('FP16 has no typed contents field');
      const wrongField = await failure(
        grpc.call('ModelInfer', {
          model_name: 'mlp_tiny',
          inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], contents: { fp64_contents: Array.from(seededFloats(16, 1)) } }],
        }),
      );
      expect(wrongField.details).toBe("input 'input': FP32 values go in contents.fp32_contents, not fp64_contents");
      const short = await failure(
        grpc.call('ModelInfer', {
          model_name: 'mlp_tiny',
          inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], contents: { fp32_contents: [1, 2] } }],
        }),
      );
      expect({ code: short.code, details: short.details }).toEqual({
        code: GrpcStatus.INVALID_ARGUMENT,
        details: `input 'input': "data" has 2 values but shape [1,16] needs 16`,
      });
    });

    it('answers UNIMPLEMENTED for the RPCs of the protocol it leaves out', async () => {
      const client = new Client(server.grpcAddress!, credentials.createInsecure());
      try {
        for (const method of ['ModelStreamInfer', 'ModelConfig', 'SystemSharedMemoryStatus']) {
          const err = await failure(
            new Promise((resolve, reject) =>
              client.makeUnaryRequest(
                `/inference.GRPCInferenceService/${method}`,
                (arg: Buffer) => arg,
                (bytes: Buffer) => bytes,
                Buffer.alloc(0),
                (e, res) => (e ? reject(e) : resolve(res)),
              ),
            ),
          );
          expect([method, err.code]).toEqual([method, GrpcStatus.UNIMPLEMENTED]);
        }
      } finally {
        client.close();
      }
    });

    it('counts a message against SWITCHYARD_MAX_INFLIGHT_BYTES as HTTP bodies are (RESOURCE_EXHAUSTED, the HTTP message)', async () => {
      const big = new Float32Array(30_000); // 120 kB of FP32 for dtype_echo's variable-length input
      const err = await failure(
        grpc.call('ModelInfer', {
          model_name: 'dtype_echo',
          inputs: DTYPE_CASES.map((c) => ({
            name: inName(c.dtype),
            datatype: c.dtype,
            shape: [c.dtype === 'FP32' ? big.length : c.bytes.length],
          })),
          raw_input_contents: DTYPE_CASES.map((c) => (c.dtype === 'FP32' ? bytesOf(big) : bytesOf(c.bytes))),
        }),
      );
      expect({ code: err.code, details: err.details }).toEqual({
        code: GrpcStatus.RESOURCE_EXHAUSTED,
        details: `a request body of ${120_000 + DTYPE_CASES.filter((c) => c.dtype !== 'FP32').reduce((n, c) => n + c.bytes.byteLength, 0)} bytes is larger than SWITCHYARD_MAX_INFLIGHT_BYTES (100000)`,
      });
      // the budget is given back: a small call right after is served
      expect((await grpc.call<any>('ModelInfer', rawRequest(seededFloats(16, 1), 1))).raw_output_contents).toHaveLength(1);
    });

    it('answers NOT_FOUND for unknown models in health, metadata and statistics', async () => {
      for (const method of ['ModelReady', 'ModelMetadata', 'ModelStatistics']) {
        const err = await failure(grpc.call(method, { name: 'nope' }));
        expect([method, err.code]).toEqual([method, GrpcStatus.NOT_FOUND]);
      }
    });
  });

  describe('API keys, scopes and limits (the same AccessControl as HTTP)', () => {
    const auth = writeAuthFile([
      { name: 'shop', scopes: ['inference', 'metadata', 'health'], limits: { max_priority: 3, models: ['mlp_*'] } },
      { name: 'reader', scopes: ['metadata'] },
      { name: 'metered', scopes: ['inference'], limits: { requests_per_second: 0.1, burst: 2 } },
    ]);
    let locked: TestServer;
    let client: GrpcInferenceClient;
    const bearer = (tenant: string) => ({ metadata: { authorization: `Bearer ${auth.keys[tenant]}` } });

    beforeAll(async () => {
      locked = await startTestServer({ DISABLED_DEVICES: 'gpu:0', MODELS: 'mlp_tiny,dtype_echo', AUTH_FILE: auth.path, AUTH: 'required' });
      client = new GrpcInferenceClient(locked.grpcAddress!);
    }, 120_000);

    afterAll(async () => {
      client?.close();
      await locked?.close();
    });

    it('keeps ServerLive and ServerReady open for probes and refuses other calls without a known key', async () => {
      expect(await client.call('ServerLive')).toEqual({ live: true });
      expect(await client.call('ServerReady')).toEqual({ ready: true });
      for (const [method, request] of [
        ['ModelMetadata', { name: 'mlp_tiny' }],
        ['ModelInfer', rawRequest(seededFloats(16, 1), 1)],
        ['RepositoryIndex', {}],
      ] as const) {
        const err = await failure(client.call(method, request));
        expect([method, err.code]).toEqual([method, GrpcStatus.UNAUTHENTICATED]);
      }
      const wrong = await failure(client.call('ModelMetadata', { name: 'mlp_tiny' }, { metadata: { 'x-api-key': 'sy_not-a-key' } }));
      expect(wrong.code).toBe(GrpcStatus.UNAUTHENTICATED);
    });

    it('runs a call in scope (Bearer or x-api-key) and refuses one out of scope or model', async () => {
      const input = seededFloats(16, 2);
      const answer = await client.call<any>('ModelInfer', rawRequest(input, 1), bearer('shop'));
      expect(answer.model_name).toBe('mlp_tiny');
      await client.call('ModelMetadata', { name: 'mlp_tiny' }, { metadata: { 'x-api-key': auth.keys.reader } });
      const outOfScope = await failure(client.call('ModelInfer', rawRequest(input, 1), bearer('reader')));
      expect({ code: outOfScope.code, details: outOfScope.details }).toEqual({
        code: GrpcStatus.PERMISSION_DENIED,
        details: 'tenant "reader" does not have the "inference" scope this route needs',
      });
      const otherModel = await failure(client.call('ModelMetadata', { name: 'dtype_echo' }, bearer('shop')));
      expect(otherModel.code).toBe(GrpcStatus.PERMISSION_DENIED);
      const repository = await failure(client.call('RepositoryIndex', {}, bearer('shop')));
      expect(repository.code).toBe(GrpcStatus.PERMISSION_DENIED);
    });

    it("clamps a priority above the tenant's ceiling and says so, as over HTTP", async () => {
      const answer = await client.call<any>(
        'ModelInfer',
        rawRequest(seededFloats(16, 3), 1, { parameters: { priority: { int64_param: 1 } } }),
        bearer('shop'),
      );
      expect(JSON.stringify(answer.parameters)).toContain('priority_clamped_from');
    });

    it("counts calls against the tenant's rate: over it, RESOURCE_EXHAUSTED with retry-after", async () => {
      const codes: number[] = [];
      let retryAfter: unknown;
      for (let i = 0; i < 3; i++) {
        try {
          await client.call('ModelInfer', rawRequest(seededFloats(16, 4 + i), 1), bearer('metered'));
          codes.push(GrpcStatus.OK);
        } catch (err) {
          codes.push((err as ServiceError).code);
          retryAfter = (err as ServiceError).metadata?.get('retry-after')[0];
        }
      }
      expect(codes).toEqual([GrpcStatus.OK, GrpcStatus.OK, GrpcStatus.RESOURCE_EXHAUSTED]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    });
  });

  describe('model repository', () => {
    it('lists the same index as POST /v2/repository/index', async () => {
      const http = (await (await fetch(`${server.url}/v2/repository/index`, { method: 'POST' })).json()) as Array<Record<string, string>>;
      const { models } = await grpc.call<{ models: Array<Record<string, string>> }>('RepositoryIndex', {});
      expect(models).toEqual(http.map((e) => ({ name: e.name, version: e.version ?? '', state: e.state, reason: e.reason ?? '' })));
      const ready = await grpc.call<{ models: Array<{ name: string }> }>('RepositoryIndex', { ready: true });
      expect(ready.models.map((m) => m.name)).toEqual(['bytes_echo', 'dtype_echo', 'mlp_tiny']);
    });

    it('unloads and loads a model; a bad config override is INVALID_ARGUMENT, an unknown model NOT_FOUND', async () => {
      expect(await grpc.call('RepositoryModelUnload', { model_name: 'bytes_echo' })).toEqual({});
      expect((await grpc.call<any>('RepositoryIndex', { ready: true })).models.map((m: any) => m.name)).toEqual(['dtype_echo', 'mlp_tiny']);
      const gone = await failure(
        grpc.call('ModelInfer', {
          model_name: 'bytes_echo',
          inputs: [{ name: 'in_bytes', datatype: 'BYTES', shape: [1], contents: { bytes_contents: [Buffer.from('a')] } }],
        }),
      );
      expect([GrpcStatus.NOT_FOUND, GrpcStatus.UNAVAILABLE]).toContain(gone.code);

      const bad = await failure(
        grpc.call('RepositoryModelLoad', { model_name: 'bytes_echo', parameters: { config: { string_param: '{not json' } } }),
      );
      expect(bad.code).toBe(GrpcStatus.INVALID_ARGUMENT);
      expect(bad.details).toContain('invalid config override for model "bytes_echo"');
      expect((await failure(grpc.call('RepositoryModelLoad', { model_name: 'nope' }))).code).toBe(GrpcStatus.NOT_FOUND);

      expect(await grpc.call('RepositoryModelLoad', { model_name: 'bytes_echo' })).toEqual({});
      expect(await grpc.call('ModelReady', { name: 'bytes_echo' })).toEqual({ ready: true });
    });
  });
});

/**
 * Deadlines, overload and the drain, with work held: one CPU slot in its own process, frozen with
 * SIGSTOP while the calls arrive (runs bounded at 60 s, so the freeze is not taken for a hang).
 */
describe('gRPC with work held on a frozen CPU pool process (e2e)', () => {
  let server: TestServer;
  let grpc: GrpcInferenceClient;
  let closed = false;
  const input = seededFloats(16, 3);
  const expected = referenceMlp(MLP_TINY, input, 1);

  beforeAll(async () => {
    server = await startTestServer({
      MODELS: 'mlp_tiny',
      DISABLED_DEVICES: 'gpu:0',
      CPU_WORKERS: 1,
      ISOLATE_CPU: 'process',
      RUN_TIMEOUT_MS: 60_000,
      MAX_QUEUED_PER_DEVICE: 2,
      DRAIN_GRACE_MS: 0,
      EXIT_TIMEOUT_MS: 60_000,
    });
    grpc = new GrpcInferenceClient(server.grpcAddress!);
  }, 120_000);

  afterAll(async () => {
    grpc?.close();
    if (!closed) await server?.close();
  });

  const cpu = async () => {
    const res = await fetch(`${server.url}/v1/scheduler`);
    return ((await res.json()) as SchedulerStatusDto).devices.find((d) => d.deviceId === 'cpu:0')!;
  };
  const until = (what: string, check: (d: Awaited<ReturnType<typeof cpu>>) => boolean) =>
    waitFor(what, async () => (check(await cpu()) ? true : undefined), 10_000, 20);
  const infer = (options = {}) => grpc.call<any>('ModelInfer', rawRequest(input, 1), options);
  const checkAnswer = (res: any) => expect(maxRelativeError(asFloat32(res.raw_output_contents[0]), expected)).toBeLessThan(TOLERANCE);

  /** Runs `body` with the CPU pool process stopped; it runs again afterwards, whatever happens. */
  async function frozen(body: () => Promise<void>): Promise<void> {
    const pid = server.app.get(RuntimeService).pool('cpu:0')?.stats().pid;
    if (pid === undefined) throw new Error('cpu:0 has no pool process');
    process.kill(pid, 'SIGSTOP');
    try {
      await body();
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  }

  it('takes the call deadline as the request deadline: the queued job is dropped, never run', async () => {
    const stats = async () => (await grpc.call<any>('ModelStatistics', { name: 'mlp_tiny' })).model_stats[0].inference_stats;
    const before = await stats();
    let ahead: Promise<any> | undefined;
    await frozen(async () => {
      ahead = infer();
      await until('a task running on cpu:0', (d) => d.inFlight > 0);
      const started = Date.now();
      const err = await failure(infer({ deadlineMs: 400 }));
      expect(err.code).toBe(GrpcStatus.DEADLINE_EXCEEDED);
      expect(Date.now() - started).toBeLessThan(3000);
      // still frozen: the job left the queue because of its deadline, not because the device ran it
      await until('the expired job to leave the queue', (d) => d.queuedJobs === 0);
    });
    checkAnswer(await ahead);
    const after = await stats();
    expect([after.success.count - before.success.count, after.fail.count - before.fail.count]).toEqual([1, 1]);
  }, 60_000);

  it('answers RESOURCE_EXHAUSTED with retry-after when the queue is full', async () => {
    const held: Array<Promise<any>> = [];
    await frozen(async () => {
      held.push(infer());
      await until('a task running on cpu:0', (d) => d.inFlight > 0);
      held.push(infer(), infer());
      await until('two jobs queued on cpu:0', (d) => d.queuedJobs === 2);
      const err = await failure(infer());
      expect(err.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
      expect(err.details).toContain('queues are full (2 jobs)');
      expect(Number(err.metadata.get('retry-after')[0])).toBeGreaterThanOrEqual(1);
    });
    for (const answer of await Promise.all(held)) checkAnswer(answer);
  }, 60_000);

  it('drains on shutdown: refuses new calls with UNAVAILABLE, finishes the admitted ones, then closes the port', async () => {
    const admitted: Array<Promise<any>> = [];
    let drained: Promise<{ finished: boolean }> | undefined;
    await frozen(async () => {
      admitted.push(infer());
      await until('a task running on cpu:0', (d) => d.inFlight > 0);
      admitted.push(infer());
      await until('a job queued on cpu:0', (d) => d.queuedJobs === 1);
      drained = server.app.get(DrainService).shutdown('test', () => server.app.close());
      closed = true;
      const serving = server.app.get(ServingState);
      await waitFor('the drain to refuse new work', async () => (serving.phase === 'refusing' ? true : undefined), 10_000, 10);
      expect(await grpc.call('ServerReady')).toEqual({ ready: false });
      const refused = await failure(infer());
      expect({ code: refused.code, details: refused.details }).toEqual({
        code: GrpcStatus.UNAVAILABLE,
        details: 'the server is shutting down: send the request to another replica',
      });
      expect(refused.metadata.get('retry-after')).toEqual(['1']);
    });
    for (const answer of await Promise.all(admitted)) checkAnswer(answer);
    expect(await drained).toMatchObject({ finished: true, closed: true });
    const gone = await failure(grpc.call('ServerLive', {}, { deadlineMs: 5000 }));
    expect(gone.code).toBe(GrpcStatus.UNAVAILABLE);
  }, 90_000);
});
