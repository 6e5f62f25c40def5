import type { CalibrationProfile } from './calibration-profile.interface';

/**
 * Somewhere else a calibration profile of this fingerprint may already exist (another node on
 * the same hardware with the same models): asked by start-up calibration in mode auto when
 * profiles/ has none, before it measures anything.
 *
 * @remarks `find` must settle in bounded time and never throw for an unreachable source
 * (undefined: measure here).
 */
export interface CalibrationProfileSource {
  find(fingerprint: string): Promise<{ profile: CalibrationProfile; from: string } | undefined>;
}
