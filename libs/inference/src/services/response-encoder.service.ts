import { Inject, Injectable } from '@nestjs/common';
import { InferenceFailedError } from '@switchyard/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { TensorMemoryService } from '@switchyard/runtime';
import { encodeInferResponse, type EncodedInferResponse } from '../codec/encode-infer-response';
import { bufferToJsonValues } from '../codec/tensor-json.values';
import { CodecPoolService } from '../codec/worker/codec-pool.service';
import type { InferResponseDto } from '../dto/infer-response.dto';
import type { InferResult } from '../interfaces/infer-result.interface';

/** JSON text is about this many times the bytes of the tensor it prints (FP32: ~11 chars for 4 bytes). */
const JSON_BYTES_PER_TENSOR_BYTE = 3;

/**
 * Turns an inference result into what its caller sends: bytes for /v2 (big JSON responses
 * printed on a codec worker) or JSON values for the jobs API. Either way the output tensors'
 * memory goes back to the runtime.
 */
@Injectable()
export class ResponseEncoderService {
  private readonly offloadBytes: number;

  constructor(
    @Inject(SWITCHYARD_CONFIG) config: SwitchyardConfig,
    private readonly codec: CodecPoolService,
    private readonly memory: TensorMemoryService,
  ) {
    this.offloadBytes = config.http.codecOffloadBytes;
  }

  async encode(result: InferResult): Promise<EncodedInferResponse> {
    const binary = new Set(result.requested.filter((r) => r.binary).map((r) => r.name));
    const jsonBytes = result.outputs.reduce((sum, o) => sum + (binary.has(o.name) ? 0 : o.data.byteLength), 0);
    if (jsonBytes * JSON_BYTES_PER_TENSOR_BYTE >= this.offloadBytes) return this.codec.encode(result);
    const encoded = encodeInferResponse(result.head, result.outputs, result.requested);
    // the encoded body holds copies: the output buffers are free for the next request's tensors
    this.release(result);
    return encoded;
  }

  /** The response as a JSON object (the jobs API stores it as JSON), without printing it first. */
  toJson(result: InferResult): InferResponseDto {
    const byName = new Map(result.outputs.map((o) => [o.name, o]));
    const outputs = result.requested.map(({ name, binary }) => {
      const tensor = byName.get(name);
      if (!tensor) throw new InferenceFailedError(`the model did not return output '${name}'`);
      if (binary) throw new InferenceFailedError(`output '${name}' was requested as binary data, which a JSON response cannot hold`);
      return { name, datatype: tensor.datatype, shape: tensor.shape, data: bufferToJsonValues(tensor.data, tensor.datatype) };
    });
    this.release(result);
    return { ...result.head, outputs };
  }

  private release(result: InferResult): void {
    for (const output of result.outputs) this.memory.release(output.data);
  }
}
