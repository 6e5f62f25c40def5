import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { ForbiddenError, InferenceFailedError, OverloadedError, UnauthorizedError, UnavailableError } from '@switchyard/common';
import { toErrorResponse } from './error-response';

const ctx = { bodyLimitBytes: 1000 };
const fastifyError = (code: string, statusCode: number, message = 'fastify says no') =>
  Object.assign(new Error(message), { code, statusCode });

describe(toErrorResponse.name, () => {
  it.each([
    [
      'a SwitchyardError',
      new UnavailableError('warming up', { retryAfterSeconds: 4 }),
      { status: 503, message: 'warming up', retryAfterSeconds: 4 },
    ],
    [
      'a 401 with its challenge',
      new UnauthorizedError('no key'),
      { status: 401, message: 'no key', challenge: 'Bearer realm="switchyard"' },
    ],
    ['a 403', new ForbiddenError('not yours'), { status: 403, message: 'not yours' }],
    ['a 429 without a retry hint', new OverloadedError('full'), { status: 429, message: 'full' }],
    [
      'a 500 SwitchyardError (its message is for clients)',
      new InferenceFailedError('worker died'),
      { status: 500, message: 'worker died' },
    ],
    ['a Nest exception', new NotFoundException('Cannot GET /x'), { status: 404, message: 'Cannot GET /x' }],
    [
      'a Nest exception with a message list',
      new BadRequestException(['a is bad', 'b is bad']),
      { status: 400, message: 'a is bad; b is bad' },
    ],
    [
      'a Fastify error wrapped by Nest',
      new HttpException('Request body is too large', 413, { cause: fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413) }),
      { status: 413, message: 'request body is larger than the limit of 1000 bytes' },
    ],
    [
      'a raw Fastify client error',
      fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415),
      { status: 415, message: 'unsupported or malformed Content-Type' },
    ],
    ['an unknown Fastify client error', fastifyError('FST_ERR_SOMETHING', 400, 'odd'), { status: 400, message: 'odd' }],
    ['a Fastify server error', fastifyError('FST_ERR_X', 500, 'internal detail'), { status: 500, message: 'internal server error' }],
    ['a plain Error', new RangeError('stack details'), { status: 500, message: 'internal server error' }],
    ['a thrown string', 'oops', { status: 500, message: 'internal server error' }],
    ['null', null, { status: 500, message: 'internal server error' }],
  ])('maps %s', (_what, error, expected) => {
    expect(toErrorResponse(error, ctx)).toEqual(expected);
  });
});
