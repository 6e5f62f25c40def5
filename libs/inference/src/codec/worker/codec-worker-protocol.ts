import type { ServedModel } from '@switchyard/models';
import type { InferResult } from '../../interfaces/infer-result.interface';
import type { ValidatedInferRequest } from '../../interfaces/validated-infer-request.interface';
import type { EncodedInferResponse } from '../encode-infer-response';

/** Options a codec worker starts with (piscina workerData). */
export interface CodecWorkerConfig {
  maxTensorElements: number;
  /** Added to the worker thread's nice value at start (Linux; 0: none). */
  nice?: number;
}

export interface DecodeTask {
  model: ServedModel;
  /** The raw request body (moved to the worker when it owns its memory). */
  body: Uint8Array;
  headerLength?: string;
}

export type EncodeTask = InferResult;

/** A typed request error from the worker: its class does not survive the thread hop, its status does. */
export interface CodecFailure {
  failure: { status: number; message: string };
}

export type DecodeReply = { request: ValidatedInferRequest } | CodecFailure;
export type EncodeReply = { response: Omit<EncodedInferResponse, 'body'> & { body: Uint8Array } } | CodecFailure;
