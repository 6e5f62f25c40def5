import { gzipSync } from 'node:zlib';
import { DEMO_MODELS, type MlpSpec } from '@switchyard/models';
import { maxRelativeError, referenceMlp } from '@switchyard/models/testing';
import { startTestServer, type TestServer } from './support/inference-server';
import { sendRawHttp, type RawHttpResponse } from './support/raw-http';
import { asFloat32, bytesOf, seededFloats, splitV2Body } from './support/v2-client';

const MLP_TINY = DEMO_MODELS.find((m) => m.name === 'mlp_tiny') as MlpSpec;
const TOLERANCE = 1e-4;

/**
 * The bytes tritonclient.http sends (read from triton-inference-server/client:
 * http/_utils.py _get_inference_request, _infer_input.py, _requested_output.py, _client.py infer,
 * and geventhttpclient's request builder): rapidjson's compact JSON in dict insertion order, the
 * tensors' raw bytes after it, headers User-Agent, Inference-Header-Content-Length (only when
 * binary data follows), Host, Content-Length, and NO Content-Type.
 */
function tritonRequest(port: number, path: string, json: string, binary: Buffer[], extraHeaders: Array<[string, string]> = []): Buffer {
  const jsonBytes = Buffer.from(json);
  let body = Buffer.concat([jsonBytes, ...binary]);
  const headers: Array<[string, string]> = [['User-Agent', 'python/gevent-http-client-2.3.1'], ...extraHeaders];
  if (extraHeaders.some(([k, v]) => k === 'Content-Encoding' && v === 'gzip')) body = gzipSync(body);
  if (binary.length > 0) headers.push(['Inference-Header-Content-Length', String(jsonBytes.length)]);
  headers.push(['Host', `127.0.0.1:${port}`], ['Content-Length', String(body.length)]);
  const head = `POST ${path} HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** tritonclient's InferResult + as_numpy('output') for an FP32 output. */
function tritonResult(res: RawHttpResponse, output: string): { json: any; values: Float32Array } {
  const headerLength = res.headers['inference-header-content-length'];
  const { json, binary } = splitV2Body(res.body, headerLength === undefined ? undefined : Number(headerLength));
  const meta = json.outputs.find((o: { name: string }) => o.name === output);
  const values = meta.parameters?.binary_data_size !== undefined ? asFloat32(binary.get(output)!) : Float32Array.from(meta.data);
  const count = meta.shape.reduce((a: number, b: number) => a * b, 1);
  if (values.length !== count) throw new Error(`reshape(${JSON.stringify(meta.shape)}) of ${values.length} values fails`);
  return { json, values };
}

describe('client compatibility (e2e)', () => {
  let server: TestServer;
  let port: number;

  beforeAll(async () => {
    server = await startTestServer({ DISABLED_DEVICES: 'gpu:0' });
    port = Number(new URL(server.url).port);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  describe('tritonclient.http', () => {
    const input = seededFloats(2 * 16, 31);
    const expected = referenceMlp(MLP_TINY, input, 2);

    it('client.infer() with a binary FP32 input and default outputs (all binary)', async () => {
      // InferInput('input', [2, 16], 'FP32').set_data_from_numpy(x); client.infer('mlp_tiny', [inp], request_id='triton-1')
      const json =
        '{"id":"triton-1","inputs":[{"name":"input","shape":[2,16],"datatype":"FP32","parameters":{"binary_data_size":128}}],"parameters":{"binary_data_output":true}}';
      const res = await sendRawHttp(server.url, tritonRequest(port, '/v2/models/mlp_tiny/infer', json, [bytesOf(input)]));
      expect(res.status).toBe(200);
      const { json: header, values } = tritonResult(res, 'output');
      expect(header.id).toBe('triton-1');
      expect(header.outputs[0]).toEqual({ name: 'output', datatype: 'FP32', shape: [2, 8], parameters: { binary_data_size: 64 } });
      expect(maxRelativeError(values, expected)).toBeLessThan(TOLERANCE);
    });

    it('client.infer() with priority, timeout, a model version and a requested binary output', async () => {
      // outputs=[InferRequestedOutput('output')], priority=1, timeout=5000000, model_version='1'
      const json =
        '{"inputs":[{"name":"input","shape":[2,16],"datatype":"FP32","parameters":{"binary_data_size":128}}],"outputs":[{"name":"output","parameters":{"binary_data":true}}],"parameters":{"priority":1,"timeout":5000000}}';
      const res = await sendRawHttp(server.url, tritonRequest(port, '/v2/models/mlp_tiny/versions/1/infer', json, [bytesOf(input)]));
      expect(res.status).toBe(200);
      expect(maxRelativeError(tritonResult(res, 'output').values, expected)).toBeLessThan(TOLERANCE);
    });

    it('client.infer() with JSON tensors (binary_data=False in and out)', async () => {
      // set_data_from_numpy(x, binary_data=False); InferRequestedOutput('output', binary_data=False)
      const data = `[${Array.from(input, (v) => String(v)).join(',')}]`;
      const json = `{"inputs":[{"name":"input","shape":[2,16],"datatype":"FP32","data":${data}}],"outputs":[{"name":"output","parameters":{"binary_data":false}}]}`;
      const res = await sendRawHttp(server.url, tritonRequest(port, '/v2/models/mlp_tiny/infer', json, []));
      expect(res.status).toBe(200);
      expect(res.headers['inference-header-content-length']).toBeUndefined();
      expect(maxRelativeError(tritonResult(res, 'output').values, expected)).toBeLessThan(TOLERANCE);
    });

    it('client.infer(request_compression_algorithm="gzip")', async () => {
      const json =
        '{"inputs":[{"name":"input","shape":[2,16],"datatype":"FP32","parameters":{"binary_data_size":128}}],"parameters":{"binary_data_output":true}}';
      const res = await sendRawHttp(
        server.url,
        tritonRequest(port, '/v2/models/mlp_tiny/infer', json, [bytesOf(input)], [['Content-Encoding', 'gzip']]),
      );
      expect(res.status).toBe(200);
      expect(maxRelativeError(tritonResult(res, 'output').values, expected)).toBeLessThan(TOLERANCE);
    });

    it('raises InferenceServerException from {"error"} on a bad request', async () => {
      const json =
        '{"inputs":[{"name":"input","shape":[2,15],"datatype":"FP32","parameters":{"binary_data_size":120}}],"parameters":{"binary_data_output":true}}';
      const res = await sendRawHttp(server.url, tritonRequest(port, '/v2/models/mlp_tiny/infer', json, [Buffer.alloc(120)]));
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body.toString()).error).toContain("[2,15] does not match the model's [-1,16]");
    });

    it('is_server_live / is_server_ready / is_model_ready / get_model_metadata / get_model_repository_index', async () => {
      const get = (path: string) =>
        sendRawHttp(
          server.url,
          Buffer.from(`GET ${path} HTTP/1.1\r\nUser-Agent: python/gevent-http-client-2.3.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`, 'latin1'),
        );
      expect((await get('/v2/health/live')).status).toBe(200);
      expect((await get('/v2/health/ready')).status).toBe(200);
      expect((await get('/v2/models/mlp_tiny/versions/1/ready')).status).toBe(200);
      expect(JSON.parse((await get('/v2/models/mlp_tiny')).body.toString()).inputs[0]).toEqual({
        name: 'input',
        datatype: 'FP32',
        shape: [-1, 16],
      });
      expect(JSON.parse((await get('/v2/models/mlp_tiny/config')).body.toString()).max_batch_size).toBe(64);
      // _post(request_body="") -> geventhttpclient sends Content-Length: 0 and no body
      const index = await sendRawHttp(
        server.url,
        Buffer.from(
          `POST /v2/repository/index HTTP/1.1\r\nUser-Agent: python/gevent-http-client-2.3.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 0\r\n\r\n`,
          'latin1',
        ),
      );
      expect(index.status).toBe(200);
      expect(JSON.parse(index.body.toString()).map((m: { name: string }) => m.name)).toContain('mlp_tiny');
    });
  });

  /**
   * KServe's Python InferenceRESTClient (kserve/inference_client.py, protocol/infer_type.py):
   * orjson-compact InferRequest.to_rest() with "id" and "model_name"; a dict body goes out as
   * httpx content= (no Content-Type); with raw inputs the body is JSON + bytes with
   * Inference-Header-Content-Length and Content-Type application/octet-stream. Responses are read
   * with InferResponse.from_bytes (needs "model_name"); is_server_live/ready read {"live"}/{"ready"}.
   */
  describe('kserve InferenceRESTClient (v2)', () => {
    const input = seededFloats(16, 41);
    const expected = referenceMlp(MLP_TINY, input, 1);
    const httpxHeaders = (extra: Record<string, string>) => ({
      accept: '*/*',
      'accept-encoding': 'gzip, deflate',
      'user-agent': 'python-httpx/0.27.0',
      ...extra,
    });

    it('infer() with a JSON InferRequest', async () => {
      const data = `[${Array.from(input, (v) => String(v)).join(',')}]`;
      const body = `{"id":"6f1c2b6e-4f7a-4a57-9d8e-3c2f0a1b2c3d","model_name":"mlp_tiny","inputs":[{"name":"input","shape":[1,16],"datatype":"FP32","data":${data}}]}`;
      const res = await fetch(`${server.url}/v2/models/mlp_tiny/infer`, {
        method: 'POST',
        headers: httpxHeaders({}),
        body: Buffer.from(body),
      });
      expect(res.status).toBe(200);
      const content = Buffer.from(await res.arrayBuffer());
      const jsonLength = Number(res.headers.get('inference-header-content-length') ?? content.length);
      const { json } = splitV2Body(content, jsonLength === content.length ? undefined : jsonLength);
      expect(json.model_name).toBe('mlp_tiny');
      expect(json.id).toBe('6f1c2b6e-4f7a-4a57-9d8e-3c2f0a1b2c3d');
      expect(maxRelativeError(json.outputs[0].data, expected)).toBeLessThan(TOLERANCE);
    });

    it('infer() with raw (binary) inputs and binary outputs', async () => {
      const json = Buffer.from(
        '{"id":"k-2","model_name":"mlp_tiny","inputs":[{"name":"input","shape":[1,16],"datatype":"FP32","parameters":{"binary_data_size":64}}],"outputs":[{"name":"output","parameters":{"binary_data":true}}]}',
      );
      const res = await fetch(`${server.url}/v2/models/mlp_tiny/infer`, {
        method: 'POST',
        headers: httpxHeaders({ 'inference-header-content-length': String(json.length), 'content-type': 'application/octet-stream' }),
        body: Buffer.concat([json, bytesOf(input)]),
      });
      expect(res.status).toBe(200);
      const content = Buffer.from(await res.arrayBuffer());
      const { json: header, binary } = splitV2Body(content, Number(res.headers.get('inference-header-content-length')));
      expect(header.model_name).toBe('mlp_tiny');
      expect(maxRelativeError(asFloat32(binary.get('output')!), expected)).toBeLessThan(TOLERANCE);
    });

    it('gets errors as Content-Type exactly application/json, the only type it reads "error" from', async () => {
      const res = await fetch(`${server.url}/v2/models/nope/infer`, {
        method: 'POST',
        headers: httpxHeaders({}),
        body: Buffer.from('{"inputs":[]}'),
      });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toEqual({ error: 'unknown model "nope"' });
    });

    it('is_server_live() and is_server_ready() read {"live"} and {"ready"}', async () => {
      expect(await (await fetch(`${server.url}/v2/health/live`)).json()).toEqual({ live: true });
      expect(await (await fetch(`${server.url}/v2/health/ready`)).json()).toEqual({ ready: true });
    });
  });
});
