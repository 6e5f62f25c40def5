import { InvalidRequestError } from '@switchyard/common';
import { isPlainObject } from './json-guards';

/**
 * The parameters of a repository load request (HTTP body's "parameters", gRPC's parameters map):
 * an optional "config", the model config as a JSON string. Model files ("file:...") are refused:
 * models come from the repository.
 */
export function readLoadParameters(parameters: unknown): { config?: string } {
  if (parameters === undefined) return {};
  if (!isPlainObject(parameters)) throw new InvalidRequestError('"parameters" must be a JSON object');
  const { config, ...rest } = parameters;
  const files = Object.keys(rest).filter((k) => k.startsWith('file:'));
  if (files.length)
    throw new InvalidRequestError(`model files in the load request (${files.join(', ')}) are not supported: put them in the repository`);
  if (config === undefined) return {};
  if (typeof config !== 'string') throw new InvalidRequestError('"parameters.config" must be the model config as a JSON string');
  return { config };
}
