import type { WireTensor } from '@switchyard/common';
import type { InferResponseDto } from '../dto/infer-response.dto';
import type { RequestedOutput } from './validated-infer-request.interface';

/**
 * An inference outcome before encoding: the response's envelope, the model's output tensors and
 * the outputs the client asked for, in order. The /v2 route encodes it to bytes; the jobs
 * consumer turns it into JSON values directly.
 *
 * @remarks The output buffers belong to whoever holds the result; release them to the runtime's
 * TensorMemoryService when done (the encoders do).
 */
export interface InferResult {
  head: Omit<InferResponseDto, 'outputs'>;
  outputs: WireTensor[];
  requested: RequestedOutput[];
  /** What served it (the response signature and the audit log read it). */
  served?: { model: string; version: string; device: string; modelDigest: string };
}
