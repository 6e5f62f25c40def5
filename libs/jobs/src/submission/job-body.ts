import { InvalidRequestError } from '@switchyard/common';

/**
 * The parsed JSON of a jobs request. The shared body parser leaves non-JSON content types as a
 * Buffer; the jobs API takes JSON tensors only (no binary tensor data extension).
 */
export function jobBody(body: unknown, headerLength: string | undefined): unknown {
  if (headerLength !== undefined) {
    throw new InvalidRequestError(
      'the jobs API takes JSON tensors; the binary tensor data extension (Inference-Header-Content-Length) is not supported',
    );
  }
  if (!Buffer.isBuffer(body)) {
    if (body === undefined || body === null) throw new InvalidRequestError('the request has no body');
    return body;
  }
  if (body.length === 0) throw new InvalidRequestError('the request has no body');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new InvalidRequestError(`malformed JSON body: ${(err as Error).message}`);
  }
}
