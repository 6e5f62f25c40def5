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
 * Half the cores (the other half runs the device pools' work and the event loop), at least 2 and
 * at most 4. At least 2: one thread did a 10 MB body's decoding and its response's encoding one
 * request after the other (~170 ms of CPU per request) and so bounded the big-body throughput of
 * a 2-core host at ~55 MB/s with a core idle; the threads run at a lower priority (CODEC_NICE),
 * so the event loop still gets a core when it needs one.
 */
export function defaultCodecThreads(cores: number): number {
  return Math.max(2, Math.min(4, Math.floor(cores / 2)));
}

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
    this.threads = config.http.codecWorkers || defaultCodecThreads(availableParallelism());
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
      const workerData: CodecWorkerConfig = {
        maxTensorElements: this.config.http.maxTensorElements ?? DEFAULT_MAX_TENSOR_ELEMENTS,
        nice: this.config.http.codecNice ?? 0,
      };
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
