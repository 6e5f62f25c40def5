/**
 * The baseline the overhead bench holds Switchyard against: a bare Fastify route that answers
 * the same Open Inference Protocol body (JSON, or binary tensor data) for one FP32 model, with
 * nothing else: no validation beyond what it needs to build the tensor, no scheduler, no
 * metrics, no logging. Run as its own process, like the Switchyard server, and configured by
 * environment variables:
 *
 *   BARE_MODEL_PATH  the model.onnx to serve (one FP32 input, one FP32 output)
 *   BARE_MODE        inline: session.run() on the event loop thread (what a minimal server does);
 *                    pool: on one worker thread of a PiscinaDevicePool (the hop Switchyard makes)
 *
 * Prints "listening on http://..." once it serves.
 */
import Fastify from 'fastify';
import * as ort from 'onnxruntime-node';
import type { WireTensor } from '@switchyard/common';
import { PiscinaDevicePool } from '@switchyard/runtime/testing';
import { BENCH_CPU } from '../targets/bench-cpu-device';

interface JsonTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: number[];
  parameters?: { binary_data_size?: number };
}

type Run = (input: WireTensor) => Promise<WireTensor>;

async function runner(path: string, mode: string): Promise<{ run: Run; close: () => Promise<void> }> {
  if (mode === 'pool') {
    const pool = new PiscinaDevicePool({ device: BENCH_CPU, workers: 1, concurrentTasksPerWorker: 1, intraOpThreads: 1 });
    await pool.start();
    await pool.loadModel({ key: 'm@1', path });
    return {
      run: async (input) => (await pool.run({ modelKey: 'm@1', inputs: [input] })).outputs[0],
      close: () => pool.close(),
    };
  }
  const session = await ort.InferenceSession.create(path, {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  return {
    run: async (input) => {
      const out = (await session.run({ [inputName]: new ort.Tensor('float32', new Float32Array(input.data), input.shape) }))[outputName];
      const data = out.data as Float32Array;
      return {
        name: outputName,
        datatype: 'FP32',
        shape: [...out.dims],
        data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
      };
    },
    close: () => session.release(),
  };
}

async function main(): Promise<void> {
  const path = process.env.BARE_MODEL_PATH;
  if (!path) throw new Error('BARE_MODEL_PATH is required');
  const { run, close } = await runner(path, process.env.BARE_MODE ?? 'inline');
  const app = Fastify({ logger: false, bodyLimit: 64 * 2 ** 20 });
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.post<{ Params: { model: string } }>('/v2/models/:model/infer', async (req, reply) => {
    const headerLength = req.headers['inference-header-content-length'];
    if (typeof headerLength === 'string') {
      // binary tensor data: the JSON header, then the input's raw bytes
      const body = req.body as Buffer;
      const n = Number(headerLength);
      const head = JSON.parse(body.toString('utf8', 0, n)) as { id?: string; inputs: JsonTensor[] };
      const t = head.inputs[0];
      const bytes = body.subarray(n, n + (t.parameters?.binary_data_size ?? body.length - n));
      const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      const out = await run({ name: t.name, datatype: 'FP32', shape: t.shape, data });
      const header = Buffer.from(
        JSON.stringify({
          model_name: req.params.model,
          id: head.id,
          outputs: [{ name: out.name, datatype: out.datatype, shape: out.shape, parameters: { binary_data_size: out.data.byteLength } }],
        }),
      );
      reply.header('content-type', 'application/octet-stream');
      reply.header('inference-header-content-length', String(header.length));
      return Buffer.concat([header, Buffer.from(out.data)]);
    }
    const body = req.body as { id?: string; inputs: JsonTensor[] };
    const t = body.inputs[0];
    const out = await run({ name: t.name, datatype: 'FP32', shape: t.shape, data: Float32Array.from(t.data).buffer });
    return {
      model_name: req.params.model,
      id: body.id,
      outputs: [{ name: out.name, datatype: out.datatype, shape: out.shape, data: Array.from(new Float32Array(out.data)) }],
    };
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`bare fastify (${process.env.BARE_MODE ?? 'inline'}) listening on ${address}\n`);
  process.once('SIGTERM', () => {
    void app
      .close()
      .then(close)
      .finally(() => process.exit(0));
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
