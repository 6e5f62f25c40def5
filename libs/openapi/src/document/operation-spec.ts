import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;
export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

/** One documented response: a JSON schema (a component name or an inline schema) or another media type. */
export interface ResponseSpec {
  description: string;
  /** A components/schemas name, or a schema. */
  schema?: string | JsonSchema;
  /** Default application/json. */
  contentType?: string;
  /** The binary tensor data extension's response form (application/octet-stream, header length). */
  binaryInfer?: boolean;
}

/** One route as this module documents it (turned into an OpenAPI operation by openapi-document.ts). */
export interface OperationSpec {
  method: HttpMethod;
  /** OpenAPI template, e.g. /v2/models/{model}/infer; path parameters come from PATH_PARAMETERS. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Path parameter examples of this operation, where PATH_PARAMETERS' do not fit. */
  pathExamples?: Record<string, string>;
  headers?: { name: string; description: string; example?: string }[];
  query?: { name: string; description: string; schema: JsonSchema }[];
  body?: { schema: string | JsonSchema; example?: unknown; required?: boolean; binaryInfer?: boolean };
  /** By status code; 4xx/5xx bodies are {"error"} unless given. */
  responses: Record<number, ResponseSpec | string>;
  /** Open without an API key even when the server runs with an auth file (health probes, these docs). */
  public?: boolean;
  /** Served over a WebSocket upgrade (GET with Upgrade: websocket), not as a plain HTTP answer. */
  websocket?: boolean;
}

/** A zod schema as JSON Schema 2020-12 (what OpenAPI 3.1 uses), without its $schema line. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}
