import { request as httpRequest } from 'node:http';
import fc from 'fast-check';

/** Requests for the fuzzing spec (security-fuzz.e2e-spec.ts): a raw sender and fast-check arbitraries. */

const row = Array.from({ length: 16 }, (_, i) => i / 16);

export interface Answer {
  status: number;
  body: string;
}

/**
 * Any method, path, headers and body over node:http (fetch refuses some of them). A server may
 * answer (and close) before it reads a body it refuses; the client's complaint about the rest of
 * the exchange after that answer does not hide the answer.
 */
export function send(url: string, method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answered: Answer | undefined;
    const chunks: Buffer[] = [];
    const done = () => resolve({ ...answered!, body: Buffer.concat(chunks).toString('utf8').slice(0, 500) });
    const req = httpRequest(`${url}${path}`, { method, headers, agent: false }, (res) => {
      answered = { status: res.statusCode ?? 0, body: '' };
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', done);
      res.on('error', done);
    });
    req.on('upgrade', (res, socket) => {
      answered = { status: res.statusCode ?? 101, body: '' };
      socket.destroy();
      done();
    });
    req.setTimeout(20_000, () => req.destroy(new Error(`${method} ${path}: no answer in 20 s`)));
    req.on('error', (err) => (answered ? done() : reject(err)));
    req.end(body);
  });
}

/** A value for a route parameter: real names, traversal attempts, junk. */
export const paramValue = fc.oneof(
  fc.constantFrom('mlp_tiny', 'dtype_echo', '1', '2', '0', '-1', 'latest', 'x'.repeat(300)),
  fc.constantFrom('..', '../..', '../../etc/passwd', '..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f%2e%2e', '%00', '%ff%fe', '.%2e/mlp_tiny', '%2F'),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.string({ unit: 'grapheme', maxLength: 12 }).map(encodeURIComponent),
);

export const printable = fc.stringMatching(/^[\x20-\x7e]{0,60}$/);
export const numberText = fc.oneof(
  fc.integer().map(String),
  fc.constantFrom('-1', '0', '1e30', '99999999999999999999', 'abc', '', ' 12', '0x10', '1.5', 'NaN', 'Infinity', '18446744073709551617'),
);

/** Tensor-ish JSON: valid requests with a mutated part, to reach deep into the validators. */
export const inferJson = fc.record(
  {
    id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    inputs: fc.array(
      fc.record(
        {
          name: fc.oneof(fc.constantFrom('input', 'in_fp32', 'in_bytes'), fc.string()),
          datatype: fc.oneof(fc.constantFrom('FP32', 'FP16', 'INT64', 'BYTES', 'BOOL', 'UINT8'), fc.string()),
          shape: fc.oneof(
            fc.array(fc.integer({ min: -2, max: 70 }), { maxLength: 4 }),
            fc.array(fc.constantFrom(2 ** 32, 2 ** 53, Number.MAX_SAFE_INTEGER, 1e300, -0, 0.5), { maxLength: 5 }),
            fc.anything(),
          ),
          data: fc.oneof(
            fc.array(fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.string()), { maxLength: 40 }),
            fc.constant(row),
            fc.anything(),
          ),
          parameters: fc.oneof(
            fc.record({ binary_data_size: fc.oneof(fc.integer(), fc.constant(-1), fc.constant(2 ** 60)) }, { requiredKeys: [] }),
            fc.anything(),
          ),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 4 },
    ),
    outputs: fc.array(fc.record({ name: fc.string(), parameters: fc.anything() }, { requiredKeys: [] }), { maxLength: 6 }),
    parameters: fc.oneof(
      fc.dictionary(fc.string(), fc.jsonValue()),
      fc.record(
        {
          priority: fc.oneof(fc.integer({ min: -1, max: 10 }), fc.jsonValue()),
          timeout: fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.jsonValue()),
          device: fc.oneof(fc.constantFrom('cpu:0', 'gpu:0', 'npu:9', '../cpu'), fc.jsonValue()),
          policy: fc.oneof(fc.constantFrom('fastest', 'cheapest', 'x'), fc.jsonValue()),
          binary_data_output: fc.jsonValue(),
          sequence_id: fc.jsonValue(),
        },
        { requiredKeys: [] },
      ),
    ),
    model_name: fc.constantFrom('mlp_tiny', '../mlp_tiny', ''),
  },
  { requiredKeys: [] },
);

/** A binary-extension body: a JSON header, then random bytes; its Inference-Header-Content-Length is exact. */
export const binaryBody = fc.tuple(inferJson, fc.uint8Array({ maxLength: 300 })).map(([header, tail]) => {
  const json = Buffer.from(JSON.stringify(header));
  return { body: Buffer.concat([json, tail]), headerLength: String(json.length) };
});

export const bodyArb = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
  inferJson.map((v) => Buffer.from(JSON.stringify(v))),
  fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
  fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
);

const dim = fc.oneof(fc.integer({ min: -2, max: 70 }), fc.constantFrom(2 ** 32, 2 ** 53, '9223372036854775807', '-9223372036854775808'));
const input = fc.record(
  {
    name: fc.oneof(fc.constantFrom('input', 'in_fp32', 'in_fp16', 'in_bytes'), fc.string({ maxLength: 20 })),
    datatype: fc.oneof(fc.constantFrom('FP32', 'FP16', 'INT64', 'BYTES', 'BOOL', 'UINT8', 'BF16'), fc.string({ maxLength: 8 })),
    shape: fc.array(dim, { maxLength: 5 }),
    contents: fc.oneof(
      fc.constant(null),
      fc.record(
        {
          fp32_contents: fc.array(fc.float(), { maxLength: 40 }),
          int64_contents: fc.array(fc.oneof(fc.integer(), fc.constant('9223372036854775807')), { maxLength: 20 }),
          bool_contents: fc.array(fc.boolean(), { maxLength: 20 }),
          bytes_contents: fc.array(
            fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b)),
            { maxLength: 8 },
          ),
          uint_contents: fc.array(fc.nat(), { maxLength: 20 }),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: ['name', 'datatype', 'shape'] },
);
/** A ModelInfer message with hostile names, datatypes, int64 dims and contents (well-typed for the proto). */
export const modelInferMessage = fc.record({
  model_name: fc.oneof(fc.constantFrom('mlp_tiny', 'dtype_echo', '../mlp_tiny', ''), fc.string({ maxLength: 20 })),
  model_version: fc.constantFrom('', '1', '2', '-1', '../1'),
  id: fc.string({ maxLength: 20 }),
  inputs: fc.array(input, { maxLength: 4 }),
  outputs: fc.array(fc.record({ name: fc.string({ maxLength: 10 }) }), { maxLength: 4 }),
  raw_input_contents: fc.array(
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
    { maxLength: 4 },
  ),
});
