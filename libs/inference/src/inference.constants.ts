/** Largest element count of one request tensor when config.http.maxTensorElements is unset. */
export const DEFAULT_MAX_TENSOR_ELEMENTS = 1 << 26;

/** Protocol extensions this server implements, as GET /v2 lists them. */
export const SERVER_EXTENSIONS = [
  'binary_tensor_data',
  'model_repository',
  'model_configuration',
  'schedule_policy',
  'parameters',
  'statistics',
];

export const SERVER_NAME = 'switchyard';

/** Header of a binary-tensor request or response: the length of its JSON part (KServe v2 binary extension). */
export const INFERENCE_HEADER_CONTENT_LENGTH = 'inference-header-content-length';
