/**
 * Route groups a tenant may be granted: Triton's restricted-API groups plus Switchyard's own.
 * Each route declares its group next to its handler with `@Scope(...)`; a route that declares
 * none is refused (deny by default).
 */
export const API_SCOPES = ['health', 'metadata', 'inference', 'model-repository', 'statistics', 'jobs', 'metrics', 'admin'] as const;

export type ApiScope = (typeof API_SCOPES)[number];
