import { componentSchemas } from './component-schemas';
import type { JsonSchema, OperationSpec, ResponseSpec } from './operation-spec';
import { PATH_PARAMETERS } from './path-parameters';
import { SERVICE_OPERATIONS } from './service-operations';
import { V1_OPERATIONS } from './v1-operations';
import { V2_OPERATIONS } from './v2-operations';

/** Every documented route, /v2 first. */
export const OPERATIONS: readonly OperationSpec[] = [...V2_OPERATIONS, ...V1_OPERATIONS, ...SERVICE_OPERATIONS];

const HEADER_LENGTH = {
  description: 'Binary tensor data extension: bytes of the JSON header; the outputs follow it',
  schema: { type: 'integer', minimum: 0 },
};
const RETRY_AFTER = { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } };
const BINARY_BODY = {
  schema: {
    type: 'string',
    format: 'binary',
    description: 'The JSON header (Inference-Header-Content-Length bytes), then the tensor bytes',
  },
};

function ref(schema: string | JsonSchema): JsonSchema {
  return typeof schema === 'string' ? { $ref: `#/components/schemas/${schema}` } : schema;
}

function parameters(op: OperationSpec): JsonSchema[] {
  const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  return [
    ...names.map((name) => {
      const p = PATH_PARAMETERS[name];
      if (!p) throw new Error(`path parameter {${name}} of ${op.path} has no entry in PATH_PARAMETERS`);
      return {
        name,
        in: 'path',
        required: true,
        description: p.description,
        example: op.pathExamples?.[name] ?? p.example,
        schema: { type: 'string', ...(p.pattern ? { pattern: p.pattern } : {}) },
      };
    }),
    ...(op.headers ?? []).map((h) => ({
      name: h.name,
      in: 'header',
      required: false,
      description: h.description,
      schema: { type: 'string' },
    })),
    ...(op.query ?? []).map((q) => ({ name: q.name, in: 'query', required: false, description: q.description, schema: q.schema })),
  ];
}

function response(status: number, spec: ResponseSpec | string): JsonSchema {
  const retry = status === 429 || status === 503 ? { headers: { 'Retry-After': RETRY_AFTER } } : {};
  if (typeof spec === 'string') return { description: spec, content: { 'application/json': { schema: ref('Error') } }, ...retry };
  const contentType = spec.contentType ?? 'application/json';
  const content: JsonSchema = { [contentType]: { schema: spec.schema === undefined ? { type: 'string' } : ref(spec.schema) } };
  if (spec.binaryInfer) content['application/octet-stream'] = BINARY_BODY;
  return {
    description: spec.description,
    content,
    ...(spec.binaryInfer ? { headers: { 'Inference-Header-Content-Length': HEADER_LENGTH } } : retry),
  };
}

/** What every route that needs a key may answer once the server runs with an auth file (docs/security.md). */
const AUTH_RESPONSES: Record<number, string> = {
  401: 'No or unknown API key (only when the server runs with an auth file); WWW-Authenticate: Bearer',
  403: "Outside the tenant's scopes, models or devices",
  429: "Over the tenant's rate or in-flight limit; Retry-After",
};

function operation(op: OperationSpec): JsonSchema {
  const params = parameters(op);
  const responses = op.public ? op.responses : { ...AUTH_RESPONSES, ...op.responses };
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    ...(params.length ? { parameters: params } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: op.body.required ?? false,
            content: {
              'application/json': { schema: ref(op.body.schema), ...(op.body.example !== undefined ? { example: op.body.example } : {}) },
              ...(op.body.binaryInfer ? { 'application/octet-stream': BINARY_BODY } : {}),
            },
          },
        }
      : {}),
    responses: Object.fromEntries(Object.entries(responses).map(([status, spec]) => [status, response(Number(status), spec)])),
    ...(op.public ? { security: [] } : {}),
    ...(op.websocket ? { 'x-websocket': true } : {}),
  };
}

/**
 * The OpenAPI 3.1 document of the whole HTTP surface: the KServe v2 REST API with the Triton
 * extensions served, Switchyard's /v1 API and the service routes. `version` is the server's.
 */
export function buildOpenApiDocument(version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operation(op);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchyard',
      version,
      description:
        'ONNX inference over the Open Inference Protocol (KServe v2), scheduled onto the best device of a heterogeneous host. ' +
        'Errors are {"error": "..."}; 429 and 503 carry Retry-After. See docs/inference-api.md and docs/jobs.md.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    tags: [...new Set(OPERATIONS.map((op) => op.tag))].map((name) => ({ name })),
    // with an auth file every route but the public ones needs a key, either way (docs/security.md)
    security: [{ bearer: [] }, { apiKey: [] }],
    paths,
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <key>' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
  };
}
