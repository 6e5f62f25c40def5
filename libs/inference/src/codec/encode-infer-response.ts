import { InferenceFailedError, type WireTensor } from '@switchyard/common';
import type { InferResponseDto } from '../dto/infer-response.dto';
import type { RequestedOutput } from '../interfaces/validated-infer-request.interface';
import { bufferToJsonBytes } from './tensor-json.encoder';
import { bytesBufferToJsonText } from './bytes-json.codec';

/** A response body ready to send. */
export interface EncodedInferResponse {
  /** A Buffer also for JSON, so that Fastify sends Content-Type as given (no charset added). */
  body: Buffer;
  contentType: 'application/json' | 'application/octet-stream';
  /** Bytes of the JSON header when binary outputs follow it (Inference-Header-Content-Length). */
  headerLength?: number;
}

/**
 * Encodes an inference response: JSON, or with the binary tensor data extension a JSON header
 * followed by the binary outputs' bytes in the order they are listed. Outputs appear in the order
 * of `requested`.
 */
export function encodeInferResponse(
  head: Omit<InferResponseDto, 'outputs'>,
  outputs: readonly WireTensor[],
  requested: readonly RequestedOutput[],
): EncodedInferResponse {
  const byName = new Map(outputs.map((o) => [o.name, o]));
  const envelope = JSON.stringify({ ...head, outputs: [] });
  // tensor data goes in as bytes: no string of millions of characters is built or re-encoded
  const parts: Buffer[] = [Buffer.from(envelope.slice(0, -2), 'utf8')];
  const binary: Buffer[] = [];
  requested.forEach(({ name, binary: asBinary }, i) => {
    const tensor = byName.get(name);
    if (!tensor) throw new InferenceFailedError(`the model did not return output '${name}'`);
    const meta = `${i > 0 ? ',' : ''}{"name":${JSON.stringify(name)},"datatype":"${tensor.datatype}","shape":${JSON.stringify(tensor.shape)}`;
    if (asBinary) {
      binary.push(Buffer.from(tensor.data));
      parts.push(Buffer.from(`${meta},"parameters":{"binary_data_size":${tensor.data.byteLength}}}`, 'utf8'));
    } else {
      const data =
        tensor.datatype === 'BYTES'
          ? Buffer.from(bytesBufferToJsonText(tensor.data), 'utf8')
          : bufferToJsonBytes(tensor.data, tensor.datatype);
      parts.push(Buffer.from(`${meta},"data":`, 'utf8'), data, CLOSE_OBJECT);
    }
  });
  parts.push(CLOSE_RESPONSE);
  const header = Buffer.concat(parts);
  if (binary.length === 0) return { body: header, contentType: 'application/json' };
  return { body: Buffer.concat([header, ...binary]), contentType: 'application/octet-stream', headerLength: header.length };
}

const CLOSE_OBJECT = Buffer.from('}');
const CLOSE_RESPONSE = Buffer.from(']}');
