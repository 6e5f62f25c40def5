import { InvalidRequestError } from '@switchyard/common';
import { shown } from './json-guards';

/**
 * Checks a request tensor's shape against the model's (-1 = variable) and counts its elements.
 * For a batching model (maxBatchSize > 0) the first dim is the batch: 1..maxBatchSize.
 * Dims are already non-negative safe integers (read-infer-request.ts).
 */
export function checkShape(
  name: string,
  shape: readonly number[],
  modelShape: readonly number[],
  maxBatchSize: number,
  maxElements: number,
): { elements: number; batch?: number } {
  if (shape.length !== modelShape.length) {
    throw new InvalidRequestError(
      `input '${name}': shape ${shown(shape)} has rank ${shape.length}, the model expects ${shown(modelShape)}`,
    );
  }
  let batch: number | undefined;
  if (maxBatchSize > 0) {
    batch = shape[0];
    if (batch < 1 || batch > maxBatchSize) {
      throw new InvalidRequestError(`input '${name}': batch size ${batch} is outside 1..${maxBatchSize}`);
    }
  }
  let elements = 1;
  for (let i = 0; i < shape.length; i++) {
    if (modelShape[i] !== -1 && shape[i] !== modelShape[i]) {
      throw new InvalidRequestError(`input '${name}': shape ${shown(shape)} does not match the model's ${shown(modelShape)} at dim ${i}`);
    }
    elements *= shape[i];
    if (elements > maxElements) {
      throw new InvalidRequestError(`input '${name}': shape ${shown(shape)} has more than ${maxElements} elements, the limit`);
    }
  }
  return { elements, batch };
}
