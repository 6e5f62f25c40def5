import { InferenceFailedError, type WireTensor } from '@switchyard/common';
import type { InferResponseDto } from '../dto/infer-response.dto';
import type { RequestedOutput } from '../interfaces/validated-infer-request.interface';
import { bufferToJsonText } from './tensor-json.codec';
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
  const parts: string[] = [];
  const binary: Buffer[] = [];
  for (const { name, binary: asBinary } of requested) {
    const tensor = byName.get(name);
    if (!tensor) throw new InferenceFailedError(`the model did not return output '${name}'`);
    const meta = `"name":${JSON.stringify(name)},"datatype":"${tensor.datatype}","shape":${JSON.stringify(tensor.shape)}`;
    if (asBinary) {
      binary.push(Buffer.from(tensor.data));
      parts.push(`{${meta},"parameters":{"binary_data_size":${tensor.data.byteLength}}}`);
    } else {
      const data = tensor.datatype === 'BYTES' ? bytesBufferToJsonText(tensor.data) : bufferToJsonText(tensor.data, tensor.datatype);
      parts.push(`{${meta},"data":${data}}`);
    }
  }
  const envelope = JSON.stringify({ ...head, outputs: [] });
  const json = `${envelope.slice(0, -2)}${parts.join(',')}]}`;
  const header = Buffer.from(json, 'utf8');
  if (binary.length === 0) return { body: header, contentType: 'application/json' };
  return { body: Buffer.concat([header, ...binary]), contentType: 'application/octet-stream', headerLength: header.length };
}
