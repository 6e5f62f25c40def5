export * from './openapi.module';
export { buildOpenApiDocument, OPERATIONS } from './document/openapi-document';
export type { OperationSpec, JsonSchema } from './document/operation-spec';
export { PATH_PARAMETERS } from './document/path-parameters';
