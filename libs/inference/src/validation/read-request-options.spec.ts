import { InvalidRequestError } from '@switchyard/common';
import { readRequestOptions } from './read-request-options';

describe(readRequestOptions.name, () => {
  it('reads Triton client parameters: priority, timeout in microseconds', () => {
    expect(readRequestOptions({ priority: 1, timeout: 2500 })).toEqual({ priority: 1, timeoutMs: 2.5, binaryDataOutput: false });
  });

  it('treats timeout 0 as no timeout, as Triton does', () => {
    expect(readRequestOptions({ timeout: 0 })).toEqual({ binaryDataOutput: false });
  });

  it('reads policy, device and binary_data_output, and ignores custom parameters', () => {
    expect(readRequestOptions({ policy: 'round-robin', device: 'gpu:0', binary_data_output: true, my_param: [1] })).toEqual({
      policy: 'round-robin',
      device: 'gpu:0',
      binaryDataOutput: true,
    });
  });

  it.each([
    [{ priority: -1 }, 'parameter "priority" must be a non-negative integer'],
    [{ priority: 1.5 }, 'parameter "priority" must be a non-negative integer'],
    [{ priority: '1' }, 'parameter "priority" must be a non-negative integer'],
    [{ timeout: -5 }, 'parameter "timeout" must be a non-negative integer'],
    [{ timeout: 1e300 }, 'parameter "timeout" must be a non-negative integer'],
    [{ policy: 3 }, 'parameter "policy" must be a name'],
    [{ policy: '' }, 'parameter "policy" must be a name'],
    [{ device: 'gpu 0; rm' }, 'parameter "device" must be a name'],
    [{ binary_data_output: 'yes' }, 'parameter "binary_data_output" must be true or false'],
    [{ sequence_id: 7 }, 'sequence batching'],
  ])('refuses %j', (parameters, message) => {
    const run = () => readRequestOptions(parameters);
    expect(run).toThrow(InvalidRequestError);
    expect(run).toThrow(message);
  });
});
