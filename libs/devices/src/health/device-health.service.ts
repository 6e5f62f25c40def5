import { Inject, Injectable, Logger } from '@nestjs/common';
import { SwitchyardEvents } from '@switchyard/common';
import { SWITCHYARD_CONFIG, type DeviceHealthSettings, type SwitchyardConfig } from '@switchyard/config';
import type { DeviceHealth, DeviceHealthSignal, DeviceHealthState } from './device-health.interface';

/** Least excess over the prediction for a run to count as slow, ms. */
const SLOW_MIN_EXCESS_MS = 10;

interface Tracked {
  health: DeviceHealth;
  errorsInARow: number;
  slowInARow: number;
  goodInARow: number;
  /** Failed probes since the quarantine began (the backoff's exponent). */
  failedProbes: number;
  /** The reason of the last state change (a failed probe adds to it, without piling up). */
  cause: string;
}

/**
 * The health state machine of every device (a circuit breaker per device):
 * healthy -> degraded on a failed run or `slowRuns` slow runs in a row; degraded -> healthy after
 * `recoveryRuns` good runs in a row; any state -> quarantined on a hung run, a crashed worker or
 * `errorsToQuarantine` failed runs in a row; quarantined -> healthy on a good probe run only
 * (runs still finishing on a quarantined device do not re-admit it).
 *
 * @remarks It only keeps state and publishes 'device.health' on each change; the scheduler stops
 * placing work on a quarantined device and runs the probes ({@link probeDelayMs}).
 */
@Injectable()
export class DeviceHealthService {
  private readonly logger = new Logger(DeviceHealthService.name);
  private readonly devices = new Map<string, Tracked>();
  private readonly settings: DeviceHealthSettings;

  constructor(
    @Inject(SWITCHYARD_CONFIG) config: Pick<SwitchyardConfig, 'health'>,
    private readonly events: SwitchyardEvents,
  ) {
    this.settings = config.health;
  }

  get(deviceId: string): DeviceHealth {
    return this.tracked(deviceId).health;
  }

  isQuarantined(deviceId: string): boolean {
    return this.devices.get(deviceId)?.health.state === 'quarantined';
  }

  /** Wait before the next probe of a quarantined device: the backoff doubles per failed probe. */
  probeDelayMs(deviceId: string): number {
    const { probeBackoffMs, probeMaxBackoffMs } = this.settings;
    return Math.min(probeMaxBackoffMs, probeBackoffMs * 2 ** this.tracked(deviceId).failedProbes);
  }

  /**
   * Feeds a finished run: slow when it took more than slowFactor x its prediction and at least
   * SLOW_MIN_EXCESS_MS more (tiny runs jitter by whole milliseconds on a busy host), else ok.
   */
  reportRun(deviceId: string, runMs: number, predictedMs: number): void {
    const slow = predictedMs > 0 && runMs > this.settings.slowFactor * predictedMs && runMs - predictedMs >= SLOW_MIN_EXCESS_MS;
    if (slow) this.report(deviceId, 'slow', `${Math.round(runMs)} ms for a run predicted at ${Math.round(predictedMs * 10) / 10} ms`);
    else this.report(deviceId, 'ok', '');
  }

  /** Feeds one event; `detail` says what happened (it becomes the reason on a state change). */
  report(deviceId: string, signal: DeviceHealthSignal, detail: string): void {
    const t = this.tracked(deviceId);
    const s = this.settings;
    const state = t.health.state;
    switch (signal) {
      case 'ok':
        t.errorsInARow = 0;
        t.slowInARow = 0;
        t.goodInARow++;
        if (state === 'degraded' && t.goodInARow >= s.recoveryRuns) this.move(t, deviceId, 'healthy', `${t.goodInARow} good runs in a row`);
        return;
      case 'slow':
        t.goodInARow = 0;
        t.errorsInARow = 0;
        if (++t.slowInARow >= s.slowRuns && state === 'healthy')
          this.move(t, deviceId, 'degraded', `${t.slowInARow} slow runs in a row: ${detail}`);
        return;
      case 'error':
        t.goodInARow = 0;
        if (++t.errorsInARow >= s.errorsToQuarantine && state !== 'quarantined') {
          this.move(t, deviceId, 'quarantined', `${t.errorsInARow} failed runs in a row: ${detail}`);
        } else if (state === 'healthy') this.move(t, deviceId, 'degraded', `a run failed: ${detail}`);
        return;
      case 'hung':
      case 'crashed':
        t.goodInARow = 0;
        if (state !== 'quarantined') this.move(t, deviceId, 'quarantined', detail);
        return;
      case 'probe-ok':
        if (state !== 'quarantined') return;
        t.failedProbes = 0;
        t.errorsInARow = 0;
        t.slowInARow = 0;
        this.move(t, deviceId, 'healthy', `re-admitted: ${detail}`);
        return;
      case 'probe-failed':
        if (state !== 'quarantined') return;
        t.failedProbes++;
        t.health = { ...t.health, reason: `${t.cause}; ${t.failedProbes} probe(s) failed, the last: ${detail}` };
        return;
    }
  }

  private move(t: Tracked, deviceId: string, state: DeviceHealthState, reason: string): void {
    const from = t.health.state;
    t.health = { state, reason, since: new Date().toISOString() };
    t.cause = reason;
    t.goodInARow = 0;
    if (state === 'quarantined') t.failedProbes = 0;
    const log = `${deviceId}: ${from} -> ${state} (${reason})`;
    if (state === 'healthy') this.logger.log(log);
    else this.logger.warn(log);
    this.events.emit('device.health', { deviceId, from, to: state, reason });
  }

  private tracked(deviceId: string): Tracked {
    let t = this.devices.get(deviceId);
    if (!t) {
      t = {
        health: { state: 'healthy', reason: 'no fault seen', since: new Date().toISOString() },
        errorsInARow: 0,
        slowInARow: 0,
        goodInARow: 0,
        failedProbes: 0,
        cause: 'no fault seen',
      };
      this.devices.set(deviceId, t);
    }
    return t;
  }
}
