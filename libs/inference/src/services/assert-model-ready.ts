import { UnavailableError } from '@switchyard/common';
import type { ServedModel } from '@switchyard/models';

/** 503 unless the model version is READY (loading, or no device could load it). */
export function assertReady(model: ServedModel): void {
  if (model.state !== 'READY') {
    throw new UnavailableError(
      `model ${model.name} version ${model.version} is not ready (${model.state}${model.reason ? `: ${model.reason}` : ''})`,
    );
  }
}
