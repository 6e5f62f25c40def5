import type { ServedModel } from './served-model.interface';

/**
 * Work a version must pass, on every device it was pinned on, before it turns READY after a
 * load through the repository API (warm-up runs, calibration). Throwing leaves it UNAVAILABLE with
 * the error as the reason. Registered by the library that owns the work (the scheduler's
 * calibration), so models does not depend on it.
 */
export type ModelReadinessGate = (model: ServedModel) => Promise<void>;
