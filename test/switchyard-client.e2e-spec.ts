import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_MODELS, type MlpSpec } from '@switchyard/models';
import { maxRelativeError, referenceMlp } from '@switchyard/models/testing';
import { SwitchyardClient, SwitchyardHttpError, type StreamResult, type TypedArray } from '../clients';
import { DTYPE_CASES, inName, outName } from './support/dtype-cases';
import { startTestServer, type TestServer } from './support/inference-server';
import { seededFloats } from './support/v2-client';

const MLP_TINY = DEMO_MODELS.find((m) => m.name === 'mlp_tiny') as MlpSpec;

/** What the gateway below saw of one request. */
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  at: number;
}

/**
 * A real HTTP front of the real server, as a load balancer would be: it answers the first
 * `refuse` requests itself (a status and Retry-After), holds each request `delayMs`, then
 * forwards it; it records what it saw.
 */
async function startGateway(target: string, behaviour: { refuse?: number; status?: number; retryAfter?: string; delayMs?: number }) {
  const seen: Seen[] = [];
  let refused = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body, at: Date.now() });
      if (refused < (behaviour.refuse ?? 0)) {
        refused++;
        res.writeHead(behaviour.status ?? 503, {
          'content-type': 'application/json',
          ...(behaviour.retryAfter ? { 'retry-after': behaviour.retryAfter } : {}),
        });
        res.end(JSON.stringify({ error: 'busy, come back later' }));
        return;
      }
      setTimeout(() => {
        const forward = httpRequest(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode!, answer.headers);
          answer.pipe(res);
        });
        forward.on('error', () => res.destroy());
        forward.end(body);
      }, behaviour.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The client against the real app over real HTTP (and through a real gateway for refusals). */
describe('SwitchyardClient (e2e)', () => {
  let server: TestServer;
  let sut: SwitchyardClient;

  beforeAll(async () => {
    server = await startTestServer({ MODELS: 'mlp_tiny,dtype_echo,bytes_echo', DISABLED_DEVICES: 'gpu:0' });
    sut = new SwitchyardClient({ url: server.url });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  it('reads health and metadata', async () => {
    expect(await sut.live()).toBe(true);
    expect(await sut.ready()).toBe(true);
    expect((await sut.serverMetadata()).extensions).toContain('binary_tensor_data');
    const meta = await sut.modelMetadata('mlp_tiny');
    expect(meta.inputs).toEqual([{ name: 'input', datatype: 'FP32', shape: [-1, 16] }]);
    expect((await sut.modelMetadata('mlp_tiny', '1')).name).toBe('mlp_tiny');
    expect(await sut.modelConfig('mlp_tiny')).toMatchObject({ name: 'mlp_tiny' });
  });

  it('infers from a Float32Array as binary tensor data, and as JSON, with the same answer', async () => {
    const input = seededFloats(3 * 16, 11);
    const expected = referenceMlp(MLP_TINY, input, 3);
    const binary = await sut.infer('mlp_tiny', [{ name: 'input', data: input, shape: [3, 16] }], { id: 'b-1' });
    const json = await sut.infer('mlp_tiny', [{ name: 'input', data: Array.from(input), datatype: 'FP32', shape: [3, 16] }], {
      binary: false,
      binaryOutputs: false,
    });
    for (const result of [binary, json]) {
      const output = result.outputs[0];
      expect(output.data).toBeInstanceOf(Float32Array);
      expect(output.shape).toEqual([3, MLP_TINY.widths.at(-1)]);
      expect(maxRelativeError(output.data as Float32Array, expected)).toBeLessThan(1e-4);
    }
    expect(binary.id).toBe('b-1');
    expect(binary.outputs[0].bytes?.length).toBe(3 * MLP_TINY.widths.at(-1)! * 4);
    expect(json.outputs[0].bytes).toBeUndefined();
    expect(typeof binary.parameters.device).toBe('string');
  });

  it('round-trips every dtype through typed arrays (binary) and JSON', async () => {
    const inputs = DTYPE_CASES.map((c) => ({
      name: inName(c.dtype),
      datatype: c.dtype,
      data: c.bytes,
      shape: [c.bytes.length],
    }));
    const result = await sut.infer('dtype_echo', inputs);
    for (const c of DTYPE_CASES) {
      const out = result.outputs.find((o) => o.name === outName(c.dtype))!;
      const want = c.dtype === 'FP16' ? c.json : c.bytes; // FP16 comes back widened to floats
      expect({ dtype: c.dtype, data: Array.from(out.data as ArrayLike<number | bigint>) }).toEqual({
        dtype: c.dtype,
        data: Array.from(want as ArrayLike<number | bigint>),
      });
    }
    const viaJson = await sut.infer(
      'dtype_echo',
      DTYPE_CASES.map((c) => ({
        name: inName(c.dtype),
        datatype: c.dtype,
        data: c.dtype === 'FP16' ? [...c.json] : (c.bytes as TypedArray),
        shape: [c.bytes.length],
      })),
      { binary: false, binaryOutputs: false },
    );
    expect(viaJson.outputs.every((o) => o.bytes === undefined)).toBe(true);
    for (const c of DTYPE_CASES) {
      const out = viaJson.outputs.find((o) => o.name === outName(c.dtype))!;
      const want = c.dtype === 'FP16' ? c.json : c.bytes;
      expect({ dtype: c.dtype, data: Array.from(out.data as ArrayLike<number | bigint>) }).toEqual({
        dtype: c.dtype,
        data: Array.from(want as ArrayLike<number | bigint>),
      });
    }
  });

  it('sends and reads BYTES tensors (4-byte length prefixes)', async () => {
    const words = ['', 'a', 'héllo', 'x'.repeat(300)];
    const result = await sut.infer('bytes_echo', [{ name: 'in_bytes', data: words, shape: [4] }]);
    expect((result.outputs[0].data as Buffer[]).map((b) => b.toString('utf8'))).toEqual(words);
  });

  it('throws a typed error with the status and the server message', async () => {
    const err = await sut.infer('mlp_tiny', [{ name: 'nope', data: new Float32Array(16), shape: [1, 16] }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SwitchyardHttpError);
    expect((err as SwitchyardHttpError).status).toBe(400);
    expect((err as SwitchyardHttpError).message).toMatch(/nope/);
    expect(await sut.modelMetadata('no_such_model').catch((e: SwitchyardHttpError) => e.status)).toBe(404);
  });

  it('retries 503 and 429 after Retry-After, with backoff, then succeeds', async () => {
    for (const status of [503, 429]) {
      const gateway = await startGateway(server.url, { refuse: 2, status, retryAfter: '1' });
      try {
        const client = new SwitchyardClient({ url: gateway.url, retry: { retries: 3, baseDelayMs: 10 } });
        const result = await client.infer('mlp_tiny', [{ name: 'input', data: seededFloats(16, 3), shape: [1, 16] }]);
        expect(result.outputs[0].data.length).toBe(MLP_TINY.widths.at(-1));
        expect(gateway.seen.length).toBe(3);
        expect(gateway.seen[1].at - gateway.seen[0].at).toBeGreaterThanOrEqual(1000);
        expect(gateway.seen[2].at - gateway.seen[1].at).toBeGreaterThanOrEqual(1000);
      } finally {
        await gateway.close();
      }
    }
  }, 30_000);

  it('gives up after its retries with the last refusal, and does not retry a 400', async () => {
    const gateway = await startGateway(server.url, { refuse: 10, status: 503 });
    try {
      const client = new SwitchyardClient({ url: gateway.url, retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 20 } });
      const err = (await client.serverMetadata().catch((e: unknown) => e)) as SwitchyardHttpError;
      expect(err.status).toBe(503);
      expect(gateway.seen.length).toBe(3);
      const bad = await client
        .infer('mlp_tiny', [{ name: 'input', data: new Float32Array(3), shape: [1, 3] }], { retry: { retries: 0 } })
        .catch((e: SwitchyardHttpError) => e.status);
      expect(bad).toBe(503);
    } finally {
      await gateway.close();
    }
    const direct = new SwitchyardClient({ url: server.url, retry: { retries: 3, baseDelayMs: 5 } });
    const gateway2 = await startGateway(server.url, {});
    try {
      const client = new SwitchyardClient({ url: gateway2.url, retry: { retries: 3, baseDelayMs: 5 } });
      expect(
        await client
          .infer('mlp_tiny', [{ name: 'input', data: new Float32Array(3), shape: [1, 3] }])
          .catch((e: SwitchyardHttpError) => e.status),
      ).toBe(400);
      expect(gateway2.seen.length).toBe(1);
    } finally {
      await gateway2.close();
    }
    expect(await direct.live()).toBe(true);
  }, 30_000);

  it('retries connection errors until the server is up', async () => {
    const gateway = await startGateway(server.url, {});
    const { url } = gateway;
    await gateway.close(); // nothing listens on this port now
    const client = new SwitchyardClient({ url, retry: { retries: 8, baseDelayMs: 100, maxDelayMs: 400 } });
    const port = Number(new URL(url).port);
    const pending = client.serverMetadata();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const revived = createServer((req, res) => {
      const forward = httpRequest(`${server.url}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      });
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => revived.listen(port, '127.0.0.1', resolve));
    try {
      expect((await pending).name).toBe('switchyard');
    } finally {
      await new Promise<void>((resolve) => revived.close(() => resolve()));
    }
    const dead = new SwitchyardClient({ url, retry: { retries: 1, baseDelayMs: 5 } });
    expect(
      await dead.live().then(
        () => 'answered',
        (e: Error) => e.message,
      ),
    ).toMatch(/fetch failed/);
  }, 30_000);

  it('bounds a call by its deadline: parameters.timeout carries what is left, and the call aborts in time', async () => {
    const gateway = await startGateway(server.url, { delayMs: 1500 });
    try {
      const client = new SwitchyardClient({ url: gateway.url });
      const started = Date.now();
      const err = (await client
        .infer('mlp_tiny', [{ name: 'input', data: new Float32Array(16), shape: [1, 16] }], { deadlineMs: 300 })
        .catch((e: unknown) => e)) as Error;
      expect(err.name).toBe('TimeoutError');
      expect(Date.now() - started).toBeLessThan(1400);
      const length = Number(gateway.seen[0].headers['inference-header-content-length']);
      const header = JSON.parse(gateway.seen[0].body.toString('utf8', 0, length)) as { parameters: { timeout: number } };
      expect(header.parameters.timeout).toBeGreaterThan(0);
      expect(header.parameters.timeout).toBeLessThanOrEqual(300_000);
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('caller gave up')), 100);
      expect(await client.serverMetadata({ signal: controller.signal }).catch((e: Error) => e.message)).toBe('caller gave up');
    } finally {
      await gateway.close();
    }
  }, 30_000);

  it('submits jobs (idempotently), waits for them, reads and cancels them', async () => {
    const input = seededFloats(16, 5);
    const body = { model_name: 'mlp_tiny', inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: Array.from(input) }] };
    const first = await sut.submitJobs(body, { idempotencyKey: 'client-spec-1' });
    const again = await sut.submitJobs(body, { idempotencyKey: 'client-spec-1' });
    expect(again).toEqual({ jobIds: first.jobIds, replayed: true });
    const [view] = await sut.waitForJobs(first.jobIds, { deadlineMs: 30_000, pollMs: 50 });
    expect(view.state).toBe('completed');
    const output = view.result!.outputs[0].data as number[];
    expect(maxRelativeError(output, referenceMlp(MLP_TINY, input, 1))).toBeLessThan(1e-4);
    expect((await sut.getJob(view.id)).state).toBe('completed');
    expect(await sut.cancelJob(view.id).catch((e: SwitchyardHttpError) => e.status)).toBe(409);
    expect(await sut.getJob('no-such-job').catch((e: SwitchyardHttpError) => e.status)).toBe(404);
  }, 60_000);

  it('streams job results over the WebSocket', async () => {
    const stream = sut.stream();
    try {
      await stream.connect();
      const results: StreamResult[] = [];
      const done = new Promise<void>((resolve) => stream.on('result', (r: StreamResult) => results.push(r) === 3 && resolve()));
      const { jobIds } = await stream.submit({
        requests: [1, 2, 3].map((seed) => ({
          model_name: 'mlp_tiny',
          inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: Array.from(seededFloats(16, seed)) }],
        })),
      });
      await done;
      expect(results.map((r) => r.job_id).sort()).toEqual([...jobIds].sort());
      expect(results.map((r) => r.seq)).toEqual([1, 2, 3]);
      expect(results.every((r) => r.state === 'completed')).toBe(true);
    } finally {
      stream.close();
    }
  }, 60_000);
});
