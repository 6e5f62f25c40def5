import { randomUUID } from 'node:crypto';
import { InvalidRequestError } from '@switchyard/common';

/** Where a connection resumes: `?stream=<id>&after=<last seq seen>`; a new stream without them. */
export interface StreamPosition {
  streamId: string;
  after: number;
}

const STREAM_ID = /^[\w-]{8,128}$/;

export function readStreamQuery(url: string | undefined): StreamPosition {
  const query = new URL(url ?? '/', 'ws://switchyard/').searchParams;
  const stream = query.get('stream');
  const after = query.get('after');
  if (stream !== null && !STREAM_ID.test(stream)) {
    throw new InvalidRequestError('"stream" must be 8 to 128 letters, digits, "-" or "_" (the id the server gave in "ready")');
  }
  if (after !== null && !/^\d{1,15}$/.test(after))
    throw new InvalidRequestError('"after" must be the last sequence number received (0 or more)');
  if (after !== null && stream === null) throw new InvalidRequestError('"after" needs "stream", the stream to resume');
  return { streamId: stream ?? randomUUID(), after: after === null ? 0 : Number(after) };
}
