import { InvalidRequestError } from '@switchyard/common';
import { isPlainObject } from './json-guards';

/**
 * A small JSON object body of a control route (repository, rollouts, feedback): the parsed object,
 * a raw Buffer (tritonclient sends no Content-Type) parsed here, {} when there is no body.
 */
export function readJsonObject(body: unknown, what: string): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  let value = body;
  if (Buffer.isBuffer(body)) {
    if (body.length === 0) return {};
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      throw new InvalidRequestError(`the ${what} must be a JSON object`);
    }
  }
  if (!isPlainObject(value)) throw new InvalidRequestError(`the ${what} must be a JSON object`);
  return value;
}
