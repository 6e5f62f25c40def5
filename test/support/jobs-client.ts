import { DEMO_MODELS, type MlpSpec } from '@switchyard/models';
import { maxRelativeError, referenceMlp } from '@switchyard/models/testing';
import { waitFor } from './jobs-ports';
import { seededFloats } from './v2-client';

const MLP_TINY = DEMO_MODELS.find((m) => m.name === 'mlp_tiny') as MlpSpec;
export const TOLERANCE = 1e-4;

/** A job request and the outputs it must produce (computed independently of the server). */
export interface JobCase {
  body: Record<string, unknown>;
  expected: Record<string, number[] | boolean[]>;
}

/** mlp_tiny on `batch` seeded rows; the expectation is referenceMlp's plain-JS math. */
export function mlpCase(seed: number, batch = 1): JobCase {
  const input = seededFloats(batch * 16, seed);
  return {
    body: { model_name: 'mlp_tiny', inputs: [{ name: 'input', datatype: 'FP32', shape: [batch, 16], data: Array.from(input) }] },
    expected: { output: Array.from(referenceMlp(MLP_TINY, input, batch)) },
  };
}

/** dtype_echo with values every dtype holds exactly: each output equals its input. */
export function echoCase(seed: number, length = 4): JobCase {
  const ints = Array.from({ length }, (_, i) => ((seed * 7 + i * 13) % 100) - 50);
  const tensors: [string, string, number[] | boolean[]][] = [
    ['fp32', 'FP32', ints.map((v) => v / 4)],
    ['fp16', 'FP16', ints.map((v) => v / 2)],
    ['int64', 'INT64', ints.map((v) => v * 1000)],
    ['int32', 'INT32', ints],
    ['int8', 'INT8', ints],
    ['uint8', 'UINT8', ints.map((v) => v + 50)],
    ['bool', 'BOOL', ints.map((v) => v % 2 === 0)],
  ];
  return {
    body: {
      model_name: 'dtype_echo',
      inputs: tensors.map(([n, dtype, data]) => ({ name: `in_${n}`, datatype: dtype, shape: [length], data })),
    },
    expected: Object.fromEntries(tensors.map(([n, , data]) => [`out_${n}`, data])),
  };
}

/** Asserts that a KServe v2 response holds the expected outputs; returns a reason when not. */
export function resultMismatch(result: any, expected: JobCase['expected']): string | undefined {
  for (const [name, want] of Object.entries(expected)) {
    const got = result?.outputs?.find((o: { name: string }) => o.name === name)?.data;
    if (!Array.isArray(got)) return `output ${name} is missing`;
    if (typeof want[0] === 'boolean') {
      if (JSON.stringify(got) !== JSON.stringify(want)) return `output ${name}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`;
    } else {
      const err = maxRelativeError(got as number[], want as number[]);
      if (!(err <= TOLERANCE)) return `output ${name}: relative error ${err}`;
    }
  }
  return undefined;
}

export interface HttpReply {
  status: number;
  body: any;
}

/** A request that hangs fails the test after this long instead of holding it to its timeout. */
const REQUEST_TIMEOUT_MS = 20_000;

export async function request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpReply> {
  const res = await fetch(url, {
    method,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).catch((err: Error) => {
    throw new Error(`${method} ${url}: ${err.name === 'TimeoutError' ? `no answer within ${REQUEST_TIMEOUT_MS} ms` : err.message}`);
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export const submitJobs = (base: string, body: unknown, headers?: Record<string, string>) =>
  request('POST', `${base}/v1/jobs`, body, headers);
export const getJob = (base: string, id: string) => request('GET', `${base}/v1/jobs/${id}`);
export const cancelJob = (base: string, id: string) => request('DELETE', `${base}/v1/jobs/${id}`);

const FINAL = ['completed', 'failed', 'cancelled'];

/** Polls GET /v1/jobs/{id} (on any of `bases`, in turn) until every job is final; returns the views. */
export async function waitForJobs(bases: string | string[], ids: readonly string[], timeoutMs: number): Promise<Map<string, any>> {
  const urls = Array.isArray(bases) ? bases : [bases];
  const views = new Map<string, any>();
  let turn = 0;
  await waitFor(
    `${ids.length} jobs to finish`,
    async () => {
      for (const id of ids) {
        if (views.has(id)) continue;
        const base = urls[turn++ % urls.length];
        const { status, body } = await getJob(base, id).catch(() => ({ status: 0, body: undefined }));
        if (status === 200 && FINAL.includes(body.state)) views.set(id, body);
      }
      return views.size === ids.length ? true : undefined;
    },
    timeoutMs,
    200,
  ).catch((err: Error) => {
    throw new Error(`${err.message}: ${views.size}/${ids.length} finished`);
  });
  return views;
}
