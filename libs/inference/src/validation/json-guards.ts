import { InvalidRequestError } from '@switchyard/common';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An optional "parameters" object: {} when absent, 400 when not an object. */
export function readParameters(value: unknown, where: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw new InvalidRequestError(`${where}: "parameters" must be a JSON object`);
  return value;
}

export function requireString(value: unknown, where: string, field: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidRequestError(`${where}: "${field}" must be a non-empty string`);
  }
  return value;
}

/** A JSON value shortened for an error message. */
export function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
