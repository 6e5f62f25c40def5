import type { MessagePort } from 'node:worker_threads';
import type { WireTensor } from '@switchyard/common';
import type { ExecutionProviderName } from '@switchyard/devices';
import type { SessionTensorMetadata, TaskTimings } from '../interfaces/inference-task.interface';

/** Fixed per worker, passed as piscina's workerData. */
export interface WorkerConfig {
  deviceId: string;
  executionProvider: ExecutionProviderName;
  /** ORT intra-op threads (CPU EP); 0 lets ORT decide. */
  intraOpThreads: number;
  /** EP options, e.g. {deviceId: 1} for CUDA. */
  providerOptions: Record<string, unknown>;
  /** Upper bound of bytes kept in the worker's buffer pool. */
  bufferPoolBytes: number;
  /** ModelManifest's shared buffer: the models to pin as soon as the worker starts. */
  manifest: SharedArrayBuffer;
}

export interface LoadRequest {
  key: string;
  path: string;
  /** Broadcast barrier: every worker increments it, and each load waits until all arrived. */
  barrier?: SharedArrayBuffer;
  workers?: number;
}

export interface LoadReply {
  workerId: number;
  inputs: SessionTensorMetadata[];
  outputs: SessionTensorMetadata[];
  loadMs: number;
}

export interface RunRequest {
  key: string;
  /** The model file, so a replacement worker can pin the session on first use. */
  path: string;
  inputs: WireTensor[];
  outputNames?: string[];
  /** performance.timeOrigin + performance.now() when the pool accepted the task. */
  acceptedAt: number;
  /** Send the input buffers back after the run, for the caller's buffer pool. */
  recycle: boolean;
}

export interface RunReply {
  outputs: WireTensor[];
  /** The request's input buffers, returned for reuse when `recycle` was set. */
  recycled: ArrayBuffer[];
  timings: TaskTimings;
}

export interface UnloadRequest {
  key: string;
  barrier?: SharedArrayBuffer;
  workers?: number;
}

/**
 * The key of the one message a pool worker posts on its parentPort when it starts: the port its
 * runs come through (see RunChannels), with its threadId.
 */
export const RUN_PORT = 'switchyard.runPort';

export interface RunPortMessage {
  [RUN_PORT]: MessagePort;
  threadId: number;
}

/** A run sent on a worker's run port; its answer carries the same id. */
export interface RunMessage {
  id: number;
  request: RunRequest;
}

/** A run's answer: its reply, or the message of the error it failed with. */
export type RunAnswer = { id: number; reply: RunReply; error?: undefined } | { id: number; error: string };

export function isRunPortMessage(message: unknown): message is RunPortMessage {
  return typeof message === 'object' && message !== null && RUN_PORT in message;
}
