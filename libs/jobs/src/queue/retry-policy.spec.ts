import {
  DeadlineExceededError,
  InferenceFailedError,
  InvalidRequestError,
  NotFoundError,
  OverloadedError,
  PayloadTooLargeError,
  UnavailableError,
} from '@switchyard/common';
import { WorkerDiedError } from '@switchyard/runtime';
import { attemptError, isRetryable } from './retry-policy';

describe(isRetryable.name, () => {
  it.each([
    [new WorkerDiedError('cpu:0', new Error('exit code 134')), true],
    [new InferenceFailedError('device lost'), true],
    [new UnavailableError('no device can run mlp_tiny@1'), true],
    [new OverloadedError('queues are full'), true],
    [new Error('Connection is closed.'), true],
    [new InvalidRequestError('wrong shape'), false],
    [new NotFoundError('unknown device "npu:7"'), false],
    [new PayloadTooLargeError('too big'), false],
    [new DeadlineExceededError('too late'), false],
  ])('%s -> retry %s', (error, expected) => {
    expect(isRetryable(error)).toBe(expected);
  });
});

describe(attemptError.name, () => {
  it('keeps the name and message and drops the stack frames', () => {
    const sut = attemptError(new WorkerDiedError('cpu:0', new Error('killed')));
    expect(sut.name).toBe('WorkerDiedError');
    expect(sut.stack).toBe(`WorkerDiedError: ${sut.message}`);
    expect(sut.message).toContain('the worker of cpu:0 died');
  });
});
