export * from './check-openapi-document';
export * from './response-validator';
