import { InvalidRequestError } from '@switchyard/common';
import { readInferRequest } from './read-infer-request';

const input = { name: 'x', shape: [1, 2], datatype: 'FP32', data: [1, 2] };

describe(readInferRequest.name, () => {
  it('reads a well-formed request and fills in empty parameters', () => {
    const sut = readInferRequest({ id: 'r1', inputs: [input], outputs: [{ name: 'y' }] });
    expect(sut).toEqual({
      id: 'r1',
      parameters: {},
      inputs: [{ ...input, parameters: {} }],
      outputs: [{ name: 'y', parameters: {} }],
    });
  });

  it.each([
    ['id is a number', { id: 5, inputs: [input] }, '"id" must be a string'],
    ['inputs is missing', {}, '"inputs" must be a non-empty array'],
    ['inputs is empty', { inputs: [] }, '"inputs" must be a non-empty array'],
    ['inputs is an object', { inputs: { x: 1 } }, '"inputs" must be a non-empty array'],
    ['an input is a string', { inputs: ['x'] }, 'inputs[0] must be a JSON object'],
    ['an input has no name', { inputs: [{ ...input, name: undefined }] }, 'inputs[0]: "name" must be a non-empty string'],
    ['an input has no datatype', { inputs: [{ ...input, datatype: 3 }] }, `input 'x': "datatype" must be a non-empty string`],
    ['shape is missing', { inputs: [{ ...input, shape: undefined }] }, '"shape" must be an array'],
    ['a dim is negative', { inputs: [{ ...input, shape: [1, -2] }] }, 'has the dimension -2'],
    ['a dim is fractional', { inputs: [{ ...input, shape: [1.5, 2] }] }, 'has the dimension 1.5'],
    ['a dim is a string', { inputs: [{ ...input, shape: ['1', 2] }] }, 'has the dimension "1"'],
    ['a dim is huge', { inputs: [{ ...input, shape: [1e300, 2] }] }, 'has the dimension 1e+300'],
    ['a dim is null', { inputs: [{ ...input, shape: [null] }] }, 'has the dimension null'],
    ['the rank is absurd', { inputs: [{ ...input, shape: new Array(17).fill(1) }] }, 'rank 17 is over the limit of 16'],
    ['data is an object', { inputs: [{ ...input, data: { 0: 1 } }] }, '"data" must be an array'],
    ['input parameters is an array', { inputs: [{ ...input, parameters: [] }] }, `input 'x': "parameters" must be a JSON object`],
    ['request parameters is a string', { inputs: [input], parameters: 'x' }, 'request: "parameters" must be a JSON object'],
    ['outputs is an object', { inputs: [input], outputs: {} }, '"outputs" must be an array'],
    ['an output has no name', { inputs: [input], outputs: [{}] }, 'outputs[0]: "name" must be a non-empty string'],
  ])('refuses a request where %s', (_what, header, message) => {
    const run = () => readInferRequest(header);
    expect(run).toThrow(InvalidRequestError);
    expect(run).toThrow(message);
  });
});
