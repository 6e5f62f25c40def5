import { Inject, Injectable } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { ModelRepositoryService, type ServedModel } from '@switchyard/models';
import { TensorMemoryService } from '@switchyard/runtime';
import { decodeInferBody } from '../codec/decode-infer-body';
import { CodecPoolService } from '../codec/worker/codec-pool.service';
import { DEFAULT_MAX_TENSOR_ELEMENTS } from '../inference.constants';
import type { ValidatedInferRequest } from '../interfaces/validated-infer-request.interface';
import { InferRequestValidator } from '../validation/infer-request.validator';
import { assertReady } from './assert-model-ready';

/** A request matched to its ready model, tensors decoded. */
export interface DecodedInferRequest {
  model: ServedModel;
  request: ValidatedInferRequest;
}

/**
 * The one decoder of inference requests, for every entry point (/v2 infer, jobs submission and
 * the jobs consumer): finds the model (404), checks it is ready (503), then splits, reads and
 * validates the body (400). A raw body from `codecOffloadBytes` on is decoded on a codec worker,
 * so parsing megabytes of JSON never blocks the event loop.
 */
@Injectable()
export class RequestDecoderService {
  private readonly validator: InferRequestValidator;
  private readonly offloadBytes: number;

  constructor(
    @Inject(SWITCHYARD_CONFIG) config: SwitchyardConfig,
    private readonly models: ModelRepositoryService,
    private readonly codec: CodecPoolService,
    private readonly memory: TensorMemoryService,
  ) {
    this.offloadBytes = config.http.codecOffloadBytes;
    // decoded tensors take recycled memory: workers return input buffers after each run
    this.validator = new InferRequestValidator({ maxTensorElements: config.http.maxTensorElements ?? DEFAULT_MAX_TENSOR_ELEMENTS }, (n) =>
      memory.acquire(n),
    );
  }

  /** `body` is the raw Buffer or an already parsed JSON object; `headerLength` the Inference-Header-Content-Length header. */
  async decode(
    modelName: string,
    version: string | undefined,
    body: unknown,
    headerLength: string | undefined,
  ): Promise<DecodedInferRequest> {
    const model = this.models.get(modelName, version);
    assertReady(model);
    const request =
      Buffer.isBuffer(body) && body.length >= this.offloadBytes
        ? await this.codec.decode(model, body, headerLength)
        : decodeInferBody(model, body, headerLength, this.validator);
    return { model, request };
  }

  /** Gives a decoded request's tensor memory back when it will not run (e.g. a check only). */
  release(request: ValidatedInferRequest): void {
    for (const input of request.inputs) this.memory.release(input.data);
  }
}
