import { InvalidRequestError } from '@switchyard/common';
import type { InferRequestOptions } from '../interfaces/validated-infer-request.interface';
import { shown } from './json-guards';

/**
 * Reads the request-level parameters Switchyard acts on, under the names Triton's clients send:
 * `priority` (unsigned, 1 highest, 0 default), `timeout` (microseconds, 0 = none), plus
 * `policy`, `device` and `binary_data_output`. Other parameters are ignored, as Triton passes
 * custom ones through; sequence batching is not supported and refused.
 */
export function readRequestOptions(parameters: Record<string, unknown>): InferRequestOptions {
  const options: InferRequestOptions = { binaryDataOutput: readBool(parameters.binary_data_output, 'binary_data_output') };
  const { priority, timeout, policy, device, sequence_id: sequenceId } = parameters;
  if (priority !== undefined) options.priority = readUint(priority, 'priority');
  if (timeout !== undefined) {
    const micros = readUint(timeout, 'timeout');
    if (micros > 0) options.timeoutMs = micros / 1000;
  }
  if (policy !== undefined) options.policy = readName(policy, 'policy');
  if (device !== undefined) options.device = readName(device, 'device');
  if (sequenceId !== undefined && sequenceId !== 0 && sequenceId !== '') {
    throw new InvalidRequestError('sequence batching (parameter "sequence_id") is not supported');
  }
  return options;
}

function readUint(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidRequestError(`parameter "${name}" must be a non-negative integer, got ${shown(value)}`);
  }
  return value;
}

function readName(value: unknown, name: string): string {
  if (typeof value !== 'string' || !/^[\w.:-]{1,64}$/.test(value)) {
    throw new InvalidRequestError(`parameter "${name}" must be a name like "least-loaded" or "gpu:0", got ${shown(value)}`);
  }
  return value;
}

/** Optional boolean parameter; false when absent. */
export function readBool(value: unknown, name: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new InvalidRequestError(`parameter "${name}" must be true or false, got ${shown(value)}`);
  return value;
}
