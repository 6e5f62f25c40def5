/**
 * Piscina worker that decodes big request bodies and encodes big responses off the main thread
 * (JSON.parse and printing millions of numbers would block the event loop). Exports are the task
 * names `decode` and `encode`; tensor memory is moved, not copied, in both directions.
 */
import { getPriority, setPriority } from 'node:os';
import Piscina from 'piscina';
import { SwitchyardError } from '@switchyard/common';
import { InferRequestValidator } from '../../validation/infer-request.validator';
import { decodeInferBody } from '../decode-infer-body';
import { encodeInferResponse } from '../encode-infer-response';
import { ownsMemory } from './owns-memory';
import type { CodecFailure, CodecWorkerConfig, DecodeReply, DecodeTask, EncodeReply, EncodeTask } from './codec-worker-protocol';

const config = Piscina.workerData as CodecWorkerConfig;
const validator = new InferRequestValidator({ maxTensorElements: config.maxTensorElements });
// Linux gives each thread its own nice value, so this lowers only this worker thread (elsewhere
// setpriority would lower the whole process, the event loop with it)
if (config.nice && process.platform === 'linux') lowerPriority(config.nice);

/** Adds `increment` to this thread's nice value (a thread may always lower its own priority). */
function lowerPriority(increment: number): void {
  try {
    setPriority(Math.min(19, getPriority() + increment));
  } catch {
    // not supported here: the thread keeps the process's priority
  }
}

export function decode(task: DecodeTask) {
  const reply = typed<DecodeReply>(() => {
    const body = Buffer.from(task.body.buffer, task.body.byteOffset, task.body.byteLength);
    return { request: decodeInferBody(task.model, body, task.headerLength, validator) };
  });
  return moved(reply, 'request' in reply ? reply.request.inputs.map((i) => i.data) : []);
}

export function encode(task: EncodeTask) {
  const reply = typed<EncodeReply>(() => {
    const { body, contentType, headerLength } = encodeInferResponse(task.head, task.outputs, task.requested);
    return { response: { body, contentType, ...(headerLength !== undefined ? { headerLength } : {}) } };
  });
  return moved(reply, 'response' in reply && ownsMemory(reply.response.body) ? [reply.response.body.buffer as ArrayBuffer] : []);
}

function typed<T>(work: () => T): T | CodecFailure {
  try {
    return work();
  } catch (err) {
    if (err instanceof SwitchyardError) return { failure: { status: err.status, message: err.message } };
    throw err;
  }
}

function moved<T extends object>(reply: T, buffers: ArrayBuffer[]) {
  const movable = {
    get [Piscina.transferableSymbol]() {
      return [...new Set(buffers)];
    },
    get [Piscina.valueSymbol]() {
      return reply;
    },
  };
  return Piscina.move(movable as unknown as Parameters<typeof Piscina.move>[0]);
}
