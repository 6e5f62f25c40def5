/** Every path parameter of the API, with an example the tests use to call each route. */
export const PATH_PARAMETERS: Record<string, { description: string; example: string; pattern?: string }> = {
  model: { description: 'Model name', example: 'mlp_tiny' },
  version: { description: 'Model version (a number, as a string)', example: '1', pattern: '^\\d+$' },
  id: { description: 'Job id (from POST /v1/jobs)', example: 'a-job-id' },
  asset: { description: 'A file of the Swagger UI bundle', example: 'swagger-ui.css' },
};
