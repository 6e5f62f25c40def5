import { InvalidRequestError } from '@switchyard/common';
import { readStreamQuery } from './read-stream-query';

describe(readStreamQuery.name, () => {
  it('gives a new stream from the start without a query', () => {
    const sut = readStreamQuery('/v1/stream');
    expect(sut.after).toBe(0);
    expect(sut.streamId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('resumes a stream after the last sequence number seen', () => {
    expect(readStreamQuery('/v1/stream?stream=abcdefgh-1&after=42')).toEqual({ streamId: 'abcdefgh-1', after: 42 });
  });

  it.each([
    ['/v1/stream?stream=a:b:c:d:e', '"stream" must be'],
    ['/v1/stream?stream=abcdefgh&after=-1', '"after" must be'],
    ['/v1/stream?after=3', '"after" needs "stream"'],
  ])('refuses %s', (url, message) => {
    expect(() => readStreamQuery(url)).toThrow(InvalidRequestError);
    expect(() => readStreamQuery(url)).toThrow(message);
  });
});
