import { DEMO_MODELS, type MlpSpec } from '@switchyard/models';
import { maxRelativeError, referenceCnn, referenceMlp } from '@switchyard/models/testing';
import { startTestServer, type TestServer } from './support/inference-server';
import { DTYPE_CASES, inName, outName } from './support/dtype-cases';
import { asFloat32, bytesOf, postBinary, postJson, seededFloats } from './support/v2-client';
import { availableOrSkip } from './support/requirements';

const MLP_TINY = DEMO_MODELS.find((m) => m.name === 'mlp_tiny') as MlpSpec;
const TOLERANCE = 1e-4;

interface DeviceRow {
  id: string;
  kind: string;
  executionProvider: string | null;
  usable: boolean;
  reason?: string;
}

/**
 * The same protocol on the WebGPU device, pinned with the `device` request parameter. Skips with
 * a message when /v1/devices lists no usable gpu device, unless REQUIRE_WEBGPU=1.
 */
describe('Inference API on WebGPU (e2e)', () => {
  let server: TestServer;
  let gpu: DeviceRow | undefined;
  let why = '';

  beforeAll(async () => {
    server = await startTestServer();
    const { devices } = (await (await fetch(`${server.url}/v1/devices`)).json()) as { devices: DeviceRow[] };
    gpu = devices.find((d) => d.kind === 'gpu' && d.executionProvider === 'webgpu' && d.usable);
    const listed = devices.filter((d) => d.kind === 'gpu');
    why = listed.length
      ? `gpu devices not usable: ${listed.map((d) => `${d.id} (${d.reason ?? 'no reason'})`).join(', ')}`
      : '/v1/devices lists no gpu device';
  }, 180_000);

  afterAll(async () => {
    await server?.close();
  });

  it('infers mlp_tiny over JSON on the WebGPU device', async () => {
    if (!availableOrSkip('webgpu', gpu !== undefined, why)) return;
    const input = seededFloats(4 * 16, 21);
    const res = await postJson(server.url, '/v2/models/mlp_tiny/infer', {
      id: 'gpu-1',
      parameters: { device: gpu!.id },
      inputs: [{ name: 'input', datatype: 'FP32', shape: [4, 16], data: Array.from(input) }],
    });
    expect(res.status).toBe(200);
    expect(res.json.id).toBe('gpu-1');
    expect(res.json.parameters).toMatchObject({ device: gpu!.id, policy: 'pinned' });
    expect(maxRelativeError(res.json.outputs[0].data, referenceMlp(MLP_TINY, input, 4))).toBeLessThan(TOLERANCE);
  });

  it('infers cnn_small over binary tensor data on the WebGPU device', async () => {
    if (!availableOrSkip('webgpu', gpu !== undefined, why)) return;
    const image = seededFloats(2 * 784, 22);
    const res = await postBinary(server.url, '/v2/models/cnn_small/infer', { parameters: { device: gpu!.id, binary_data_output: true } }, [
      { name: 'image', datatype: 'FP32', shape: [2, 1, 28, 28], bytes: bytesOf(image) },
    ]);
    expect(res.status).toBe(200);
    expect(res.json.parameters.device).toBe(gpu!.id);
    expect(maxRelativeError(asFloat32(res.binary.get('logits')!), referenceCnn('cnn_small', image, 2))).toBeLessThan(TOLERANCE);
  });

  it('round-trips every dtype through dtype_echo on the WebGPU device', async () => {
    if (!availableOrSkip('webgpu', gpu !== undefined, why)) return;
    const res = await postBinary(
      server.url,
      '/v2/models/dtype_echo/infer',
      { parameters: { device: gpu!.id, binary_data_output: true } },
      DTYPE_CASES.map((c) => ({ name: inName(c.dtype), datatype: c.dtype, shape: [c.bytes.length], bytes: bytesOf(c.bytes) })),
    );
    expect(res.status).toBe(200);
    expect(res.json.parameters.device).toBe(gpu!.id);
    for (const c of DTYPE_CASES) expect(res.binary.get(outName(c.dtype))).toEqual(bytesOf(c.bytes));
  });

  it('serves on the WebGPU device when a policy other than the default is asked for', async () => {
    if (!availableOrSkip('webgpu', gpu !== undefined, why)) return;
    const input = seededFloats(16, 23);
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const res = await postJson(server.url, '/v2/models/mlp_tiny/infer', {
        parameters: { policy: 'round-robin' },
        inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: Array.from(input) }],
      });
      expect(res.status).toBe(200);
      expect(res.json.parameters.policy).toBe('round-robin');
      expect(maxRelativeError(res.json.outputs[0].data, referenceMlp(MLP_TINY, input, 1))).toBeLessThan(TOLERANCE);
      seen.add(res.json.parameters.device);
    }
    expect(seen).toContain(gpu!.id);
  });
});
