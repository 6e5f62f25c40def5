import { InvalidRequestError } from '@switchyard/common';
import type { InferRequestDto } from '../dto/infer-request.dto';
import { ECHO, MLP, PAIR } from '../testing/served-model.fixtures';
import { InferRequestValidator } from './infer-request.validator';
import { readInferRequest } from './read-infer-request';

const NONE = Buffer.alloc(0);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const request = (header: Record<string, unknown>): InferRequestDto => readInferRequest(header);
const mlpInput = (rows: number, extra: Record<string, unknown> = {}) => ({
  name: 'input',
  datatype: 'FP32',
  shape: [rows, 16],
  data: range(rows * 16),
  ...extra,
});
const pairInputs = (rowsA: number, rowsB: number) => [
  { name: 'a', datatype: 'FP32', shape: [rowsA, 2, 3], data: range(rowsA * 6) },
  { name: 'b', datatype: 'INT64', shape: [rowsB, 4], data: range(rowsB * 4) },
];

describe(InferRequestValidator.name, () => {
  const sut = new InferRequestValidator({ maxTensorElements: 1 << 20 });

  it('decodes JSON inputs in model order with the batch size', () => {
    const [a, b] = pairInputs(2, 2);
    const result = sut.validate(PAIR, request({ id: 'r', inputs: [b, a] }), NONE);
    expect(result.id).toBe('r');
    expect(result.batchSize).toBe(2);
    expect(result.inputs.map((i) => [i.name, i.datatype, i.shape])).toEqual([
      ['a', 'FP32', [2, 2, 3]],
      ['b', 'INT64', [2, 4]],
    ]);
    expect([...new Float32Array(result.inputs[0].data)]).toEqual(range(12));
    expect([...new BigInt64Array(result.inputs[1].data)]).toEqual(range(8).map(BigInt));
    expect(result.outputs).toEqual([
      { name: 'sum', binary: false },
      { name: 'ids', binary: false },
    ]);
    expect(result.outputsRequested).toBe(false);
  });

  it('takes binary inputs from the binary section in request order, as fresh buffers', () => {
    const a = new Float32Array(range(6).map((x) => x / 2));
    const b = new BigInt64Array([1n, -2n, 3n, 2n ** 62n]);
    const binary = Buffer.concat([Buffer.from(b.buffer), Buffer.from(a.buffer)]);
    const result = sut.validate(
      PAIR,
      request({
        inputs: [
          { name: 'b', datatype: 'INT64', shape: [1, 4], parameters: { binary_data_size: 32 } },
          { name: 'a', datatype: 'FP32', shape: [1, 2, 3], parameters: { binary_data_size: 24 } },
        ],
      }),
      binary,
    );
    expect([...new Float32Array(result.inputs[0].data)]).toEqual([...a]);
    expect([...new BigInt64Array(result.inputs[1].data)]).toEqual([...b]);
    expect(result.inputs[0].data.byteLength).toBe(24);
    expect(result.inputs[0].data).not.toBe(binary.buffer);
  });

  it('accepts nested JSON data', () => {
    const data = [range(16), range(16).map((x) => -x)];
    const result = sut.validate(MLP, request({ inputs: [{ name: 'input', datatype: 'FP32', shape: [2, 16], data }] }), NONE);
    expect([...new Float32Array(result.inputs[0].data)]).toEqual(data.flat());
  });

  it('uses batch size 1 for a model that does not batch, and allows an empty variable dim', () => {
    const result = sut.validate(ECHO, request({ inputs: [{ name: 'in_int8', datatype: 'INT8', shape: [0], data: [] }] }), NONE);
    expect(result.batchSize).toBe(1);
    expect(result.inputs[0].data.byteLength).toBe(0);
  });

  it('resolves requested outputs and their binary flags against binary_data_output', () => {
    const result = sut.validate(
      PAIR,
      request({
        inputs: pairInputs(1, 1),
        parameters: { binary_data_output: true },
        outputs: [{ name: 'ids', parameters: { binary_data: false } }, { name: 'sum' }],
      }),
      NONE,
    );
    expect(result.outputs).toEqual([
      { name: 'ids', binary: false },
      { name: 'sum', binary: true },
    ]);
    expect(result.outputsRequested).toBe(true);
  });

  it('passes the request options through', () => {
    const result = sut.validate(
      MLP,
      request({ inputs: [mlpInput(1)], parameters: { priority: 2, timeout: 10_000, policy: 'random' } }),
      NONE,
    );
    expect(result.options).toEqual({ priority: 2, timeoutMs: 10, policy: 'random', binaryDataOutput: false });
  });

  const f32 = (n: number) => Buffer.alloc(n * 4);
  it.each([
    ['a missing input', PAIR, { inputs: [pairInputs(1, 1)[0]] }, NONE, "missing input(s) 'b' of model pair"],
    [
      'an unknown input',
      MLP,
      { inputs: [mlpInput(1), { ...mlpInput(1), name: 'extra' }] },
      NONE,
      "unexpected input 'extra': model mlp takes input",
    ],
    ['a duplicate input', MLP, { inputs: [mlpInput(1), mlpInput(1)] }, NONE, "input 'input' is given twice"],
    ['a wrong datatype', MLP, { inputs: [mlpInput(1, { datatype: 'FP64' })] }, NONE, "datatype FP64 does not match the model's FP32"],
    ['an unsupported datatype', MLP, { inputs: [mlpInput(1, { datatype: 'BF16' })] }, NONE, 'datatype "BF16" is not supported'],
    ['a wrong rank', MLP, { inputs: [mlpInput(1, { shape: [16] })] }, NONE, 'has rank 1, the model expects [-1,16]'],
    ['a wrong fixed dim', MLP, { inputs: [mlpInput(1, { shape: [1, 15] })] }, NONE, "does not match the model's [-1,16] at dim 1"],
    ['batch size 0', MLP, { inputs: [mlpInput(0)] }, NONE, 'batch size 0 is outside 1..64'],
    ['batch size over the max', MLP, { inputs: [mlpInput(65)] }, NONE, 'batch size 65 is outside 1..64'],
    ['different batch sizes', PAIR, { inputs: pairInputs(2, 3) }, NONE, 'batch size 3 differs from the other inputs'],
    ['too few values', MLP, { inputs: [mlpInput(1, { data: range(15) })] }, NONE, '"data" has 15 values but shape [1,16] needs 16'],
    ['too many values', MLP, { inputs: [mlpInput(1, { data: range(17) })] }, NONE, '"data" has 17 values'],
    ['a bad value', MLP, { inputs: [mlpInput(1, { data: [...range(15), 'x'] })] }, NONE, 'data[15] = "x" is not a valid FP32 value'],
    [
      'too many elements',
      ECHO,
      { inputs: [{ name: 'in_int8', datatype: 'INT8', shape: [2 ** 21], data: [] }] },
      NONE,
      'more than 1048576 elements',
    ],
    ['neither data nor binary', MLP, { inputs: [mlpInput(1, { data: undefined })] }, NONE, 'has neither "data" nor binary_data_size'],
    [
      'both data and binary',
      MLP,
      { inputs: [mlpInput(1, { parameters: { binary_data_size: 64 } })] },
      f32(16),
      'has both "data" and binary_data_size',
    ],
    [
      'binary size not matching the shape',
      MLP,
      { inputs: [mlpInput(1, { data: undefined, parameters: { binary_data_size: 60 } })] },
      f32(15),
      'binary_data_size is 60 bytes but shape [1,16] of FP32 needs 64',
    ],
    [
      'binary sizes not adding up',
      MLP,
      { inputs: [mlpInput(1, { data: undefined, parameters: { binary_data_size: 64 } })] },
      f32(17),
      "is 68 bytes but the inputs' binary_data_size add up to 64",
    ],
    [
      'binary data without a binary section',
      MLP,
      { inputs: [mlpInput(1, { data: undefined, parameters: { binary_data_size: 64 } })] },
      NONE,
      'no binary data',
    ],
    ['trailing bytes with JSON data', MLP, { inputs: [mlpInput(1)] }, f32(1), "is 4 bytes but the inputs' binary_data_size add up to 0"],
    [
      'a bad binary_data_size',
      MLP,
      { inputs: [mlpInput(1, { data: undefined, parameters: { binary_data_size: -4 } })] },
      NONE,
      'binary_data_size -4 is not a byte count',
    ],
    [
      'shared memory input',
      MLP,
      { inputs: [mlpInput(1, { parameters: { shared_memory_region: 'r' } })] },
      NONE,
      'shared memory ("shared_memory_region") is not supported',
    ],
    [
      'an unknown output',
      MLP,
      { inputs: [mlpInput(1)], outputs: [{ name: 'nope' }] },
      NONE,
      "unknown output 'nope': model mlp gives output",
    ],
    [
      'a duplicate output',
      MLP,
      { inputs: [mlpInput(1)], outputs: [{ name: 'output' }, { name: 'output' }] },
      NONE,
      "output 'output' is requested twice",
    ],
    [
      'classification',
      MLP,
      { inputs: [mlpInput(1)], outputs: [{ name: 'output', parameters: { classification: 3 } }] },
      NONE,
      'classification extension is not supported',
    ],
    [
      'a non-boolean binary_data',
      MLP,
      { inputs: [mlpInput(1)], outputs: [{ name: 'output', parameters: { binary_data: 1 } }] },
      NONE,
      'binary_data must be true or false',
    ],
    [
      'a bad priority',
      MLP,
      { inputs: [mlpInput(1)], parameters: { priority: -3 } },
      NONE,
      'parameter "priority" must be a non-negative integer',
    ],
  ])('refuses %s with a 400', (_what, model, header, binary, message) => {
    const run = () => sut.validate(model, request(header), binary);
    expect(run).toThrow(InvalidRequestError);
    expect(run).toThrow(message);
  });
});
