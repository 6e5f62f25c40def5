import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { InvalidRequestError, PayloadTooLargeError } from '@switchyard/common';
import { INFERENCE_HEADER_CONTENT_LENGTH } from '../inference.constants';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

/** What the parser needs of a request (a FastifyRequest satisfies it). */
export interface ParsedRequestHead {
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Body parser for every content type: the binary tensor data extension needs the raw bytes
 * (whatever the Content-Type, and Triton's Python client sends none), so bodies stay Buffers;
 * a JSON body without Inference-Header-Content-Length is parsed here so that plain JSON routes
 * get an object. Content-Encoding gzip/deflate (tritonclient's request compression) is undone
 * with the decoded size bounded by the body limit. JSON bodies from `rawFromBytes` on stay raw too:
 * parsing them here would block the event loop, the inference decoder parses them on a worker.
 */
export function createInferenceBodyParser(bodyLimitBytes: number, rawFromBytes = Number.POSITIVE_INFINITY) {
  /** The parsed body of a decoded (or identity) one; throws InvalidRequestError. */
  const parse = (request: ParsedRequestHead, body: Buffer): unknown => {
    const type = String(request.headers['content-type'] ?? '').toLowerCase();
    const isJson = type.startsWith('application/json') || type.includes('+json');
    if (!isJson || request.headers[INFERENCE_HEADER_CONTENT_LENGTH] !== undefined) return body;
    if (body.length === 0) return undefined; // as if there were no body: routes that need one say so
    if (body.length >= rawFromBytes) return body;
    try {
      return JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw new InvalidRequestError(`malformed JSON body: ${(err as Error).message}`);
    }
  };
  /**
   * Fastify's callback form: an identity body (nearly every request) completes synchronously,
   * without the promise and the microtask turns an async parser costs per request.
   */
  type Done = (err: Error | null, body?: unknown) => void;
  const answer = (request: ParsedRequestHead, body: Buffer, done: Done): void => {
    let parsed: unknown;
    try {
      parsed = parse(request, body);
    } catch (err) {
      return done(err as Error);
    }
    done(null, parsed);
  };
  return (request: ParsedRequestHead, raw: Buffer, done: Done): void => {
    const encoding = request.headers['content-encoding'];
    if (encoding === undefined) return answer(request, raw, done);
    decode(raw, encoding, bodyLimitBytes).then(
      (body) => answer(request, body, done),
      (err: Error) => done(err),
    );
  };
}

async function decode(raw: Buffer, encoding: string | string[] | undefined, limit: number): Promise<Buffer> {
  const name = String(encoding ?? 'identity')
    .trim()
    .toLowerCase();
  if (name === 'identity' || name === '') return raw;
  if (name !== 'gzip' && name !== 'deflate') throw new InvalidRequestError(`unsupported Content-Encoding "${name.slice(0, 20)}"`);
  try {
    return await (name === 'gzip' ? gunzipAsync : inflateAsync)(raw, { maxOutputLength: limit });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new PayloadTooLargeError(`decompressed request body is larger than the limit of ${limit} bytes`);
    }
    throw new InvalidRequestError(`cannot decompress the ${name} request body: ${(err as Error).message}`);
  }
}
