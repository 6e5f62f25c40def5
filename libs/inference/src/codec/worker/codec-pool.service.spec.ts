import { readdirSync, readFileSync } from 'node:fs';
import { InferenceFailedError, InvalidRequestError } from '@switchyard/common';
import { loadConfig } from '@switchyard/config';
import { bigEchoBody } from '../../testing/big-echo-body';
import { servedModel } from '../../testing/served-model.fixtures';
import { InferRequestValidator } from '../../validation/infer-request.validator';
import { decodeInferBody } from '../decode-infer-body';
import { encodeInferResponse } from '../encode-infer-response';
import { CodecPoolService, defaultCodecThreads } from './codec-pool.service';

const DTYPES = ['FP32', 'FP16', 'INT64', 'INT32', 'INT8', 'UINT8', 'BOOL'] as const;
const echo = servedModel(
  'dtype_echo',
  0,
  DTYPES.map((d) => ({ name: `in_${d.toLowerCase()}`, datatype: d, shape: [-1] })),
  DTYPES.map((d) => ({ name: `out_${d.toLowerCase()}`, datatype: d, shape: [-1] })),
);
const head = {
  model_name: 'dtype_echo',
  model_version: '1',
  parameters: { device: 'cpu:0', policy: 'p', batch_size: 1, queue_ms: 0, compute_ms: 0 },
};

/** The codec pool on real worker threads: the same results as the inline path, the same typed errors. */
describe(CodecPoolService.name, () => {
  let sut: CodecPoolService;
  const inline = new InferRequestValidator({ maxTensorElements: 2 ** 26 });
  const { body } = bigEchoBody(512 * 1024, 3);

  beforeAll(() => {
    sut = new CodecPoolService(loadConfig({}, { CODEC_WORKERS: 1 }));
  });

  afterAll(async () => {
    await sut.onModuleDestroy();
  });

  it('decodes a body on a worker into the same tensors as the inline decoder', async () => {
    const expected = decodeInferBody(echo, Buffer.from(body), undefined, inline);
    const decoded = await sut.decode(echo, Buffer.from(body), undefined);
    expect(decoded.inputs.map((i) => [i.name, i.datatype, i.shape])).toEqual(expected.inputs.map((i) => [i.name, i.datatype, i.shape]));
    decoded.inputs.forEach((input, i) => expect(Buffer.from(input.data).equals(Buffer.from(expected.inputs[i].data))).toBe(true));
    expect(decoded.outputs).toEqual(expected.outputs);
  });

  it('moves a body that owns its memory to the worker instead of copying it', async () => {
    const owned = Buffer.from(body);
    expect(owned.byteOffset === 0 && owned.byteLength === owned.buffer.byteLength).toBe(true);
    await sut.decode(echo, owned, undefined);
    expect(owned.buffer.byteLength).toBe(0); // detached: transferred
  });

  it('rethrows a refusal from the worker as the same typed error and message', async () => {
    const bad = Buffer.from(JSON.stringify({ inputs: [{ name: 'in_fp32', datatype: 'FP32', shape: [2], data: [1, 'x'] }] }));
    const inlineError = (() => {
      try {
        decodeInferBody(echo, Buffer.from(bad), undefined, inline);
      } catch (err) {
        return err as Error;
      }
    })();
    const error = await sut.decode(echo, bad, undefined).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toBe(inlineError?.message);
    await expect(sut.decode(echo, Buffer.from('{"inputs": ['), undefined)).rejects.toThrow('malformed JSON');
  });

  it('encodes a response on a worker byte for byte as the inline encoder', async () => {
    const request = decodeInferBody(echo, Buffer.from(body), undefined, inline);
    const outputs = request.inputs.map((i) => ({ ...i, name: i.name.replace('in_', 'out_') }));
    const requested = outputs.map((o, i) => ({ name: o.name, binary: i % 3 === 0 }));
    const expected = encodeInferResponse(head, outputs, requested);
    const copies = outputs.map((o) => ({ ...o, data: o.data.slice(0) }));
    const encoded = await sut.encode({ head, outputs: copies, requested });
    expect(encoded.contentType).toBe(expected.contentType);
    expect(encoded.headerLength).toBe(expected.headerLength);
    expect(encoded.body.equals(expected.body)).toBe(true);
  });

  it('reports a missing output as a 500 from the worker', async () => {
    await expect(sut.encode({ head, outputs: [], requested: [{ name: 'out_fp32', binary: false }] })).rejects.toThrow(InferenceFailedError);
  });

  it('starts at least two threads and at most four by default', () => {
    expect([1, 2, 4, 8, 16].map(defaultCodecThreads)).toEqual([2, 2, 2, 4, 4]);
  });

  it('runs its threads CODEC_NICE below the event loop on Linux', async () => {
    if (process.platform !== 'linux') return;
    const niced = new CodecPoolService(loadConfig({}, { CODEC_WORKERS: 1, CODEC_NICE: 3 }));
    try {
      await niced.decode(echo, Buffer.from(body), undefined);
      const before = threadNices();
      const main = before.get(String(process.pid))!;
      // the worker thread is the one at main + 3 (or 19 when main is already near it)
      expect([...before.values()]).toContain(Math.min(19, main + 3));
      expect(main).toBe(threadNices().get(String(process.pid)));
    } finally {
      await niced.onModuleDestroy();
    }
  });
});

/** Nice value of each thread of this process (Linux /proc), by thread id. */
function threadNices(): Map<string, number> {
  const nices = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    nices.set(tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return nices;
}
