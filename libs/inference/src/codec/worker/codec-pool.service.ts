import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import Piscina from 'piscina';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import type { ServedModel } from '@switchyard/models';
import type { EncodedInferResponse } from '../encode-infer-response';
import type { InferResult } from '../../interfaces/infer-result.interface';
import type { ValidatedInferRequest } from '../../interfaces/validated-infer-request.interface';
import { DEFAULT_MAX_TENSOR_ELEMENTS } from '../../inference.constants';
import { codecError } from './codec-failure';
import type { CodecWorkerConfig, DecodeReply, EncodeReply } from './codec-worker-protocol';
import { ownsMemory } from './owns-memory';

export const CODEC_WORKER_FILE = join(__dirname, 'codec.worker.js');

/**
 * A few worker threads that decode big request bodies and encode big responses, so that the
 * event loop keeps answering (health probes, small requests) while megabytes of JSON are parsed
 * or printed. Threads start on first use.
 */
@Injectable()
export class CodecPoolService implements OnModuleDestroy {
  private piscina?: Piscina;
  private readonly threads: number;

  constructor(@Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig) {
    // half the cores: the other half runs the device pools' work and the event loop
    this.threads = config.http.codecWorkers || Math.max(1, Math.min(4, Math.floor(availableParallelism() / 2)));
  }

  /** Decodes and validates a raw body on a worker; the body's memory is moved there when it can be. */
  async decode(model: ServedModel, body: Buffer, headerLength: string | undefined): Promise<ValidatedInferRequest> {
    const transferList = ownsMemory(body) ? [body.buffer as ArrayBuffer] : undefined;
    const reply = (await this.pool().run(
      { model, body, ...(headerLength !== undefined ? { headerLength } : {}) },
      { name: 'decode', ...(transferList ? { transferList } : {}) },
    )) as DecodeReply;
    if ('failure' in reply) throw codecError(reply);
    return reply.request;
  }

  /** Encodes a response on a worker; the output tensors' memory is moved there. */
  async encode(result: InferResult): Promise<EncodedInferResponse> {
    const transferList = [...new Set(result.outputs.map((o) => o.data))];
    const reply = (await this.pool().run(result, { name: 'encode', transferList })) as EncodeReply;
    if ('failure' in reply) throw codecError(reply);
    const { body, ...rest } = reply.response;
    return { ...rest, body: Buffer.from(body.buffer, body.byteOffset, body.byteLength) };
  }

  async onModuleDestroy(): Promise<void> {
    await this.piscina?.destroy();
  }

  private pool(): Piscina {
    if (!this.piscina) {
      const workerData: CodecWorkerConfig = { maxTensorElements: this.config.http.maxTensorElements ?? DEFAULT_MAX_TENSOR_ELEMENTS };
      this.piscina = new Piscina({
        filename: CODEC_WORKER_FILE,
        minThreads: this.threads,
        maxThreads: this.threads,
        idleTimeout: 60_000,
        workerData,
      });
    }
    return this.piscina;
  }
}
