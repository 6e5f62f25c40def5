import { InvalidRequestError } from '@switchyard/common';
import type { ModelInferRequestMessage, ParameterMap } from '../interfaces/grpc-messages.interface';
import { toInferBody } from './infer-request.codec';

function request(overrides: Partial<ModelInferRequestMessage>): ModelInferRequestMessage {
  return { model_name: 'm', model_version: '', id: '', parameters: {}, inputs: [], outputs: [], raw_input_contents: [], ...overrides };
}

const input = (
  name: string,
  datatype: string,
  shape: number[],
  contents: ModelInferRequestMessage['inputs'][number]['contents'] = null,
) => ({
  name,
  datatype,
  shape,
  parameters: {},
  contents,
});

/** Splits a Buffer body the way the decoder does (Inference-Header-Content-Length). */
function split(body: Buffer | Record<string, unknown>, headerLength?: string): { header: any; binary: Buffer } {
  if (!Buffer.isBuffer(body)) return { header: body, binary: Buffer.alloc(0) };
  const n = Number(headerLength);
  return { header: JSON.parse(body.toString('utf8', 0, n)), binary: body.subarray(n) };
}

describe(toInferBody.name, () => {
  it('lays raw_input_contents out as the binary extension, in input order, with binary_data_size', () => {
    const a = Buffer.from([1, 2, 3, 4]);
    const b = Buffer.from([5, 6]);
    const sut = toInferBody(request({ id: 'x', inputs: [input('a', 'INT32', [1]), input('b', 'UINT8', [2])], raw_input_contents: [a, b] }));
    expect(sut.raw).toBe(true);
    const { header, binary } = split(sut.body, sut.headerLength);
    expect(header).toEqual({
      id: 'x',
      parameters: {},
      inputs: [
        { name: 'a', datatype: 'INT32', shape: [1], parameters: { binary_data_size: 4 } },
        { name: 'b', datatype: 'UINT8', shape: [2], parameters: { binary_data_size: 2 } },
      ],
    });
    expect([...binary]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it.each([
    ['BOOL', { bool_contents: [true, false] }, [true, false]],
    ['INT8', { int_contents: [-1, 2] }, [-1, 2]],
    ['UINT16', { uint_contents: [1, 65535] }, [1, 65535]],
    ['INT64', { int64_contents: [-5, 7] }, [-5, 7]],
    ['UINT64', { uint64_contents: ['9', '10'] }, [9, 10]],
    ['FP32', { fp32_contents: [0.5, -1] }, [0.5, -1]],
    ['FP64', { fp64_contents: [0.25, 3] }, [0.25, 3]],
  ])('reads typed %s contents from their own field as "data"', (datatype, contents, data) => {
    const sut = toInferBody(request({ inputs: [input('t', datatype, [2], contents)] }));
    expect(sut.raw).toBe(false);
    expect(sut.body).toEqual({ parameters: {}, inputs: [{ name: 't', datatype, shape: [2], parameters: {}, data }] });
  });

  it('sends typed BYTES as length-prefixed binary (any bytes, no JSON string round trip)', () => {
    const sut = toInferBody(request({ inputs: [input('s', 'BYTES', [2], { bytes_contents: [Buffer.from('hi'), Buffer.from([0xff])] })] }));
    expect(sut.raw).toBe(false);
    const { header, binary } = split(sut.body, sut.headerLength);
    expect(header.inputs[0].parameters).toEqual({ binary_data_size: 11 });
    expect([...binary]).toEqual([2, 0, 0, 0, 0x68, 0x69, 1, 0, 0, 0, 0xff]);
  });

  it('caps the request timeout at the time left before the deadline, and keeps a shorter one', () => {
    const timeoutOf = (own: number | undefined, remainingMs: number) => {
      const parameters: ParameterMap = own === undefined ? {} : { timeout: { int64_param: own, parameter_choice: 'int64_param' } };
      return (toInferBody(request({ parameters, inputs: [input('t', 'FP32', [1], { fp32_contents: [1] })] }), remainingMs).body as any)
        .parameters.timeout;
    };
    expect(timeoutOf(undefined, 250.5)).toBe(250_500);
    expect(timeoutOf(1_000_000, 250)).toBe(250_000);
    expect(timeoutOf(100_000, 250)).toBe(100_000);
    expect(timeoutOf(0, 250)).toBe(250_000);
  });

  it('passes request, input and output parameters through as plain values', () => {
    const sut = toInferBody(
      request({
        parameters: {
          priority: { int64_param: 1, parameter_choice: 'int64_param' },
          device: { string_param: 'cpu:0', parameter_choice: 'string_param' },
          flag: { bool_param: true, parameter_choice: 'bool_param' },
        },
        inputs: [input('t', 'FP32', [1], { fp32_contents: [1] })],
        outputs: [{ name: 'o', parameters: { binary_data: { bool_param: false, parameter_choice: 'bool_param' } } }],
      }),
    );
    expect(sut.body).toMatchObject({
      parameters: { priority: 1, device: 'cpu:0', flag: true },
      outputs: [{ name: 'o', parameters: { binary_data: false } }],
    });
  });

  it.each([
    [
      'raw contents that do not match the inputs',
      request({ inputs: [input('a', 'FP32', [1])], raw_input_contents: [Buffer.alloc(4), Buffer.alloc(4)] }),
      'raw_input_contents has 2 entries for 1 inputs: give one per input, in order',
    ],
    [
      'raw and typed contents together',
      request({ inputs: [input('a', 'FP32', [1], { fp32_contents: [1] })], raw_input_contents: [Buffer.alloc(4)] }),
      "input 'a' has contents while raw_input_contents is set: use one or the other",
    ],
    [
      'typed FP16',
      request({ inputs: [input('h', 'FP16', [1])] }),
      "input 'h': FP16 has no typed contents field: send it in raw_input_contents",
    ],
    [
      'values in the wrong field',
      request({ inputs: [input('a', 'INT32', [1], { fp32_contents: [1] })] }),
      "input 'a': INT32 values go in contents.int_contents, not fp32_contents",
    ],
    ['a parameter without a value', request({ parameters: { p: {} }, inputs: [] }), 'request parameter "p" has no value'],
  ])('refuses %s with a 400', (_what, message, expected) => {
    expect(() => toInferBody(message)).toThrow(InvalidRequestError);
    expect(() => toInferBody(message)).toThrow(expected);
  });
});
