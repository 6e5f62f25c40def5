import type { ServedModel } from '@switchyard/models';
import type { ValidatedInferRequest } from '../interfaces/validated-infer-request.interface';
import type { InferRequestValidator } from '../validation/infer-request.validator';
import { readInferRequest } from '../validation/read-infer-request';
import { splitInferBody } from './split-infer-body';

/**
 * The one decoding of an inference request body, wherever it runs (the main thread for small
 * bodies, a codec worker for big ones): split off the binary section, read the JSON's structure,
 * match it against the model and decode the tensors. Throws the typed 400s of each step.
 */
export function decodeInferBody(
  model: ServedModel,
  body: unknown,
  headerLength: string | undefined,
  validator: InferRequestValidator,
): ValidatedInferRequest {
  const { header, binary } = splitInferBody(body, headerLength);
  return validator.validate(model, readInferRequest(header), binary);
}
