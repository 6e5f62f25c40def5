import { Readable } from 'node:stream';
import { readRequestBody } from './read-request-body';

const stream = (...chunks: Buffer[]) => Readable.from(chunks, { objectMode: false });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: unknown) => err as Error & { code?: string; statusCode?: number },
  );

describe(readRequestBody.name, () => {
  it('reads a body of its declared length into one buffer that owns its memory (movable to a thread)', async () => {
    const body = await readRequestBody(stream(Buffer.from('{"a":'), Buffer.from('[1,2]}')), '11', 100);
    expect(body.toString()).toBe('{"a":[1,2]}');
    expect(body.byteOffset === 0 && body.byteLength === body.buffer.byteLength).toBe(true);
  });

  it('joins a body without Content-Length (chunked)', async () => {
    const body = await readRequestBody(stream(Buffer.from('ab'), Buffer.from('cd')), undefined, 100);
    expect(body.toString()).toBe('abcd');
  });

  it.each([
    ['shorter than declared', '10', [Buffer.from('abc')], 'FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400],
    ['longer than declared', '2', [Buffer.from('abc')], 'FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400],
    ['declared over the limit', '101', [Buffer.from('abc')], 'FST_ERR_CTP_BODY_TOO_LARGE', 413],
    ['chunked past the limit', undefined, [Buffer.alloc(60), Buffer.alloc(60)], 'FST_ERR_CTP_BODY_TOO_LARGE', 413],
  ])('refuses a body %s with Fastify’s error', async (_what, length, chunks, code, status) => {
    const err = await failure(readRequestBody(stream(...chunks), length, 100));
    expect(err?.code).toBe(code);
    expect(err?.statusCode).toBe(status);
  });

  it('fails with a 400 when the stream breaks (a client that left mid-body)', async () => {
    const broken = new Readable({ read() {} });
    const reading = failure(readRequestBody(broken, '10', 100));
    broken.push(Buffer.from('abc'));
    broken.destroy(new Error('aborted'));
    const err = await reading;
    expect(err?.message).toBe('aborted');
    expect(err?.statusCode).toBe(400);
  });
});
