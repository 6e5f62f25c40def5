import { Injectable } from '@nestjs/common';
import { BusyTracker } from './busy-tracker';
import { CompletionWindow } from './completion-window';

/** Length of the sliding window behind throughput, latency percentiles and the busy ratio. */
export const ACTIVITY_WINDOW_MS = 10_000;

interface DeviceActivity {
  window: CompletionWindow;
  busy: BusyTracker;
  completed: number;
  errors: number;
}

export interface DeviceActivityView {
  throughputPerSecond: number;
  p50Ms: number | null;
  p99Ms: number | null;
  busyRatio: number;
  completedTotal: number;
  errorsTotal: number;
}

/**
 * What each device did recently, fed by job.completed events (through EventMetricsListener).
 * Keyed by the bounded device label, so its memory is bounded too.
 */
@Injectable()
export class DeviceActivityService {
  private readonly devices = new Map<string, DeviceActivity>();
  private rejections = 0;

  recordRejection(): void {
    this.rejections++;
  }

  get rejectedTotal(): number {
    return this.rejections;
  }

  /** Records a finished job; returns the ms by which the device's busy time grew. */
  recordCompletion(deviceId: string, atMs: number, runMs: number, totalMs: number, ok: boolean): number {
    const a = this.activity(deviceId);
    a.window.record(atMs, totalMs);
    if (ok) a.completed++;
    else a.errors++;
    return a.busy.record(atMs, runMs);
  }

  view(deviceId: string, nowMs: number): DeviceActivityView {
    const a = this.devices.get(deviceId);
    if (!a) return { throughputPerSecond: 0, p50Ms: null, p99Ms: null, busyRatio: 0, completedTotal: 0, errorsTotal: 0 };
    return {
      throughputPerSecond: a.window.throughputPerSecond(nowMs),
      p50Ms: a.window.quantile(nowMs, 0.5),
      p99Ms: a.window.quantile(nowMs, 0.99),
      busyRatio: a.busy.ratio(nowMs),
      completedTotal: a.completed,
      errorsTotal: a.errors,
    };
  }

  deviceIds(): string[] {
    return [...this.devices.keys()];
  }

  private activity(deviceId: string): DeviceActivity {
    let a = this.devices.get(deviceId);
    if (!a) {
      a = { window: new CompletionWindow(ACTIVITY_WINDOW_MS), busy: new BusyTracker(ACTIVITY_WINDOW_MS), completed: 0, errors: 0 };
      this.devices.set(deviceId, a);
    }
    return a;
  }
}
