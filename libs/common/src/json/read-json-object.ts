import { InvalidRequestError } from '../errors/http-errors';

/**
 * A small JSON object body of a control route (repository, rollouts, feedback): the parsed object,
 * a raw Buffer (tritonclient sends no Content-Type) parsed here, {} when there is no body.
 */
export function readJsonObject(body: unknown, what: string): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  let value: unknown = body;
  if (Buffer.isBuffer(body)) {
    if (body.length === 0) return {};
    try {
      value = JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      throw new InvalidRequestError(`the ${what} must be a JSON object`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidRequestError(`the ${what} must be a JSON object`);
  return value as Record<string, unknown>;
}
