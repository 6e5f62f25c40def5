import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  ClientClosedRequestError,
  DeadlineExceededError,
  InferenceFailedError,
  InvalidRequestError,
  NotFoundError,
  OverloadedError,
  PayloadTooLargeError,
  UnavailableError,
} from '@switchyard/common';
import { toGrpcError } from './grpc-status.map';

describe(toGrpcError.name, () => {
  it.each([
    [new InvalidRequestError('bad'), GrpcStatus.INVALID_ARGUMENT],
    [new NotFoundError('none'), GrpcStatus.NOT_FOUND],
    [new PayloadTooLargeError('big'), GrpcStatus.RESOURCE_EXHAUSTED],
    [new OverloadedError('full'), GrpcStatus.RESOURCE_EXHAUSTED],
    [new ClientClosedRequestError('gone'), GrpcStatus.CANCELLED],
    [new UnavailableError('later'), GrpcStatus.UNAVAILABLE],
    [new DeadlineExceededError('late'), GrpcStatus.DEADLINE_EXCEEDED],
    [new InferenceFailedError('boom'), GrpcStatus.INTERNAL],
  ])('maps %s to its code with its message', (error, code) => {
    expect(toGrpcError(error)).toMatchObject({ code, details: error.message });
  });

  it('sends retry-after (whole seconds) on overload and unavailability only', () => {
    expect(toGrpcError(new OverloadedError('full', { retryAfterSeconds: 1.2 })).metadata?.get('retry-after')).toEqual(['2']);
    expect(toGrpcError(new UnavailableError('later', { retryAfterSeconds: 5 })).metadata?.get('retry-after')).toEqual(['5']);
    expect(toGrpcError(new InvalidRequestError('bad', { retryAfterSeconds: 5 })).metadata?.get('retry-after')).toEqual([]);
  });

  it('hides anything that is not a Switchyard error behind INTERNAL', () => {
    expect(toGrpcError(new TypeError('secret detail'))).toEqual({ code: GrpcStatus.INTERNAL, details: 'internal server error' });
  });
});
