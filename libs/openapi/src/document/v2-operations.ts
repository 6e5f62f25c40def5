import type { OperationSpec } from './operation-spec';

const NOT_FOUND = 'Unknown model or version';
const RETRY = 'Not ready; Retry-After says when to ask again';

/** The model routes exist twice: for the model's default version and for an explicit one. */
function perVersion(path: string, id: string, make: (path: string, id: string) => OperationSpec): OperationSpec[] {
  return [make(`/v2/models/{model}${path}`, id), make(`/v2/models/{model}/versions/{version}${path}`, `${id}Version`)];
}

const INFER_EXAMPLE = {
  id: 'example-1',
  inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: Array.from({ length: 16 }, (_, i) => i / 16) }],
};

/** The KServe v2 REST API (Open Inference Protocol) and the Triton extensions Switchyard serves. */
export const V2_OPERATIONS: OperationSpec[] = [
  {
    method: 'get',
    path: '/v2',
    operationId: 'serverMetadata',
    summary: 'Server metadata',
    tag: 'v2 health and metadata',
    responses: { 200: { description: 'Name, version and the protocol extensions served', schema: 'ServerMetadata' } },
  },
  {
    method: 'get',
    path: '/v2/health/live',
    operationId: 'serverLive',
    public: true,
    summary: 'Liveness',
    tag: 'v2 health and metadata',
    responses: { 200: { description: 'The process serves HTTP', schema: 'Live' } },
  },
  {
    method: 'get',
    path: '/v2/health/ready',
    operationId: 'serverReady',
    public: true,
    summary: 'Readiness',
    description:
      '200 once every model loaded and each has a device that is not quarantined; 503 while loading and from the start of a drain.',
    tag: 'v2 health and metadata',
    responses: { 200: { description: 'Ready', schema: 'Ready' }, 503: RETRY },
  },
  ...perVersion('', 'modelMetadata', (path, operationId) => ({
    method: 'get',
    path,
    operationId,
    summary: 'Model metadata',
    tag: 'v2 models',
    responses: { 200: { description: 'Inputs and outputs (-1 marks a variable dimension)', schema: 'ModelMetadata' }, 404: NOT_FOUND },
  })),
  ...perVersion('/ready', 'modelReady', (path, operationId) => ({
    method: 'get',
    path,
    operationId,
    summary: 'Model readiness',
    tag: 'v2 models',
    responses: { 200: { description: 'Ready', schema: 'ModelReady' }, 404: NOT_FOUND, 503: RETRY },
  })),
  ...perVersion('/config', 'modelConfig', (path, operationId) => ({
    method: 'get',
    path,
    operationId,
    summary: "Model configuration (Triton's model_configuration extension)",
    tag: 'v2 models',
    responses: { 200: { description: "Triton's model config", schema: 'ModelConfig' }, 404: NOT_FOUND },
  })),
  ...perVersion('/infer', 'modelInfer', (path, operationId) => ({
    method: 'post',
    path,
    operationId,
    summary: 'Inference',
    description:
      'JSON tensors, or the binary tensor data extension: Inference-Header-Content-Length gives the length of the JSON header, ' +
      "the inputs' little-endian bytes follow it in request order (each input with parameters.binary_data_size). Outputs come back " +
      'binary when an output asks binary_data or parameters.binary_data_output is true.',
    tag: 'v2 inference',
    headers: [
      { name: 'Inference-Header-Content-Length', description: 'Binary tensor data extension: bytes of the JSON header' },
      { name: 'X-Switchyard-Session', description: 'Sticky rollout routing: equal values land on the same version' },
    ],
    body: { schema: 'InferRequest', example: INFER_EXAMPLE, required: true, binaryInfer: true },
    responses: {
      200: { description: 'Outputs, with how the request was served in parameters', schema: 'InferResponse', binaryInfer: true },
      400: 'Malformed, or not matching the model (names the tensor and the problem)',
      404: NOT_FOUND,
      413: 'Body over the limit',
      415: 'Malformed Content-Type',
      429: 'Cannot finish within parameters.timeout, or admission refused; Retry-After',
      503: 'Draining or not ready; Retry-After',
      504: 'Expired in a queue',
    },
  })),
  {
    method: 'get',
    path: '/v2/models/stats',
    operationId: 'statistics',
    summary: "Statistics of every served version (Triton's statistics extension)",
    tag: 'v2 Triton extensions',
    responses: { 200: { description: 'Per model version', schema: 'Statistics' } },
  },
  ...perVersion('/stats', 'modelStatistics', (path, operationId) => ({
    method: 'get',
    path,
    operationId,
    summary: 'Statistics of one model',
    tag: 'v2 Triton extensions',
    responses: { 200: { description: 'Per model version', schema: 'Statistics' }, 404: NOT_FOUND },
  })),
  {
    method: 'post',
    path: '/v2/repository/index',
    operationId: 'repositoryIndex',
    summary: "Model repository index (Triton's model_repository extension)",
    tag: 'v2 Triton extensions',
    body: { schema: 'RepositoryIndexRequest', example: {} },
    responses: { 200: { description: 'Every model of the repository with its state', schema: 'RepositoryIndex' }, 400: 'Malformed body' },
  },
  {
    method: 'post',
    path: '/v2/repository/models/{model}/load',
    operationId: 'repositoryLoad',
    summary: 'Load a model (optionally with a config override)',
    tag: 'v2 Triton extensions',
    body: { schema: 'LoadRequest', example: {} },
    responses: { 200: { description: 'Loaded (READY)', schema: 'Empty' }, 400: 'Malformed body or config', 404: 'Not in the repository' },
  },
  {
    method: 'post',
    path: '/v2/repository/models/{model}/unload',
    operationId: 'repositoryUnload',
    summary: 'Unload every version of a model (admitted requests finish first)',
    tag: 'v2 Triton extensions',
    body: { schema: 'Empty', example: {} },
    responses: { 200: { description: 'Unloaded', schema: 'Empty' }, 400: 'Malformed body', 404: 'Not served' },
  },
];
