import { SwitchyardError } from '@switchyard/common';

/**
 * A load or unload the repository refuses or that failed: not allowed in this control mode, a bad
 * config override, no device with room for it, a model that does not load (400, as Triton answers).
 */
export class ModelLoadError extends SwitchyardError {
  readonly status = 400;
}
