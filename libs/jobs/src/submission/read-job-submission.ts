import { InvalidRequestError } from '@switchyard/common';
import type { JobRequestSpec, JobSubmission } from '../interfaces/job-submission.interface';
import { JOB_FIELD_SCHEMAS, JOB_LIMITS } from './job-fields.schema';

export interface SubmissionLimits {
  /** Largest number of requests in a batch. */
  maxBatch: number;
  /** Priority of requests that set none (1 is the highest). */
  defaultPriority: number;
}

/** Fields of the jobs API that are not part of the KServe request. */
const JOB_FIELDS = ['model_name', 'model_version', 'priority', 'deadline_ms', 'idempotency_key'] as const;
const { maxPriority: MAX_PRIORITY, maxDeadlineMs: MAX_DEADLINE_MS } = JOB_LIMITS;
const valid = (field: keyof typeof JOB_FIELD_SCHEMAS, value: unknown) => JOB_FIELD_SCHEMAS[field].safeParse(value).success;

/**
 * Reads the structure of a jobs submission: one request `{"model_name", "model_version"?,
 * ...the /v2 infer body}` or a batch `{"requests": [...]}`, with `priority` (1 highest),
 * `deadline_ms` (must start within) and `idempotency_key`, per request or for the whole batch.
 * The header key (Idempotency-Key) and the field must agree when both are given. Matching each
 * request against its model is the validator's job, not this function's.
 */
export function readJobSubmission(body: unknown, limits: SubmissionLimits, headerKey?: string): JobSubmission {
  const top = asObject(body, 'the jobs request');
  const idempotencyKey = readKey(top.idempotency_key, headerKey);
  const defaults = { priority: readPriority(top.priority, 'priority'), deadlineMs: readDeadline(top.deadline_ms, 'deadline_ms') };
  let items: unknown[];
  if (top.requests !== undefined) {
    if (!Array.isArray(top.requests) || top.requests.length === 0)
      throw new InvalidRequestError('"requests" must be a non-empty array of inference requests');
    if (top.requests.length > limits.maxBatch) {
      throw new InvalidRequestError(`"requests" holds ${top.requests.length} requests; the limit is ${limits.maxBatch}`);
    }
    if (top.model_name !== undefined || top.inputs !== undefined) {
      throw new InvalidRequestError('a batch puts "model_name" and "inputs" inside each of "requests", not at the top level');
    }
    items = top.requests;
  } else {
    items = [top];
  }
  const requests = items.map((item, i) => readRequest(item, items === top.requests ? `requests[${i}]` : 'the request', defaults, limits));
  return { requests, ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) };
}

function readRequest(
  value: unknown,
  where: string,
  defaults: { priority?: number; deadlineMs?: number },
  limits: SubmissionLimits,
): JobRequestSpec {
  const item = asObject(value, where);
  const model = item.model_name;
  if (typeof model !== 'string' || !valid('model_name', model)) {
    throw new InvalidRequestError(`${where}: "model_name" must name a model, got ${shown(model)}`);
  }
  const version = item.model_version;
  if (version !== undefined && (typeof version !== 'string' || !valid('model_version', version))) {
    throw new InvalidRequestError(`${where}: "model_version" must be a version number as a string, got ${shown(version)}`);
  }
  const priority =
    readPriority(item.priority, `${where}: priority`) ?? defaults.priority ?? parameterPriority(item) ?? limits.defaultPriority;
  const deadlineMs = readDeadline(item.deadline_ms, `${where}: deadline_ms`) ?? defaults.deadlineMs;
  if (item.idempotency_key !== undefined && where !== 'the request') {
    throw new InvalidRequestError(`${where}: "idempotency_key" belongs to the whole batch, not to one request`);
  }
  const request: Record<string, unknown> = { ...item };
  for (const field of JOB_FIELDS) delete request[field];
  return {
    model,
    ...(version !== undefined ? { version: version } : {}),
    request,
    priority,
    ...(deadlineMs !== undefined ? { deadlineMs } : {}),
  };
}

/** The KServe request's own `parameters.priority`, when positive, orders the queue too. */
function parameterPriority(item: Record<string, unknown>): number | undefined {
  const p = (item.parameters as Record<string, unknown> | undefined)?.priority;
  return valid('priority', p) ? (p as number) : undefined;
}

function readPriority(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!valid('priority', value)) {
    throw new InvalidRequestError(`${name} must be an integer from 1 (highest) to ${MAX_PRIORITY}, got ${shown(value)}`);
  }
  return value as number;
}

function readDeadline(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!valid('deadline_ms', value)) {
    throw new InvalidRequestError(`${name} must be a whole number of milliseconds from 1 to ${MAX_DEADLINE_MS}, got ${shown(value)}`);
  }
  return value as number;
}

function readKey(field: unknown, header: string | undefined): string | undefined {
  if (field !== undefined && (typeof field !== 'string' || !validKey(field))) {
    throw new InvalidRequestError(`"idempotency_key" must be a string of 1 to 255 printable characters, got ${shown(field)}`);
  }
  if (header !== undefined && !validKey(header))
    throw new InvalidRequestError('the Idempotency-Key header must be 1 to 255 printable characters');
  if (header !== undefined && field !== undefined && header !== field) {
    throw new InvalidRequestError('the Idempotency-Key header and "idempotency_key" differ');
  }
  return header ?? field;
}

function validKey(key: string): boolean {
  return valid('idempotency_key', key);
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Buffer.isBuffer(value)) {
    throw new InvalidRequestError(`${where} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
