/**
 * A device's health (GET /v1/devices `health`, metric switchyard_device_health):
 * - healthy: serving normally;
 * - degraded: still gets work, but runs failed or ran far slower than predicted;
 * - quarantined: the circuit is open: no new work until a probe run re-admits it.
 */
export type DeviceHealthState = 'healthy' | 'degraded' | 'quarantined';

export const DEVICE_HEALTH_STATES: readonly DeviceHealthState[] = ['healthy', 'degraded', 'quarantined'];

export interface DeviceHealth {
  state: DeviceHealthState;
  /** Why it is in this state (the last event that moved it), for a person. */
  reason: string;
  /** ISO time of the last state change. */
  since: string;
}

/**
 * What the dispatcher (runs), the pools (crashes) and the prober tell the health tracker:
 * - ok: a run finished in time; slow: it finished, far slower than predicted;
 * - error: a run failed; hung: a run passed its bound and was abandoned; crashed: the pool's
 *   worker or process died;
 * - probe-ok / probe-failed: the re-admission probe of a quarantined device.
 */
export type DeviceHealthSignal = 'ok' | 'slow' | 'error' | 'hung' | 'crashed' | 'probe-ok' | 'probe-failed';
