import type { WireTensor } from '@switchyard/common';
import { encodeInferRequest } from '../../clients';
import type { HttpClient } from '../targets/http-client';

/** One request of a layer, awaited. */
export type Layer = () => Promise<void>;

/** The same request, JSON and binary, to one server (`name`), checked for a 200. */
export function httpLayers(name: string, client: HttpClient, model: string, tensor: () => WireTensor): Record<string, Layer> {
  const path = `/v2/models/${model}/infer`;
  const check = (status: number, body: Buffer) => {
    if (status !== 200) throw new Error(`${name}: HTTP ${status}: ${body.toString().slice(0, 300)}`);
  };
  return {
    [`${name} json`]: async () => {
      const t = tensor();
      const body = Buffer.from(
        JSON.stringify({
          id: 'o',
          inputs: [{ name: t.name, datatype: t.datatype, shape: t.shape, data: Array.from(new Float32Array(t.data)) }],
        }),
      );
      const answer = await client.send('POST', path, body, { 'content-type': 'application/json' });
      check(answer.status, answer.body);
    },
    [`${name} binary`]: async () => {
      const t = tensor();
      const { body, headers } = encodeInferRequest(
        [{ name: t.name, datatype: t.datatype, shape: t.shape, bytes: new Uint8Array(t.data) }],
        {
          id: 'o',
        },
      );
      const answer = await client.send('POST', path, body, headers);
      check(answer.status, answer.body);
    },
  };
}

export async function waitReady(client: HttpClient): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await client.send('GET', '/v2/health/ready')).status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the server never became ready');
}

/**
 * The server options of the overhead benches: `model` alone on one CPU worker with one intra-op
 * thread, the GPU disabled, calibration skipped.
 */
export function overheadServerOptions(model: string): Record<string, string | number> {
  return { MODELS: model, DISABLED_DEVICES: 'gpu:0', CPU_WORKERS: 1, CPU_THREADS_PER_WORKER: 1, CALIBRATION: 'skip' };
}

/** The input every layer of the overhead benches sends: sin(i) at `batch` x `width`, a fresh buffer per call. */
export function sineInput(batch: number, width: number): () => WireTensor {
  const values = Float32Array.from({ length: batch * width }, (_, i) => Math.sin(i));
  return () => ({ name: 'input', datatype: 'FP32', shape: [batch, width], data: values.slice().buffer });
}
