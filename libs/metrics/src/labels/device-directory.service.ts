import { Inject, Injectable, Optional } from '@nestjs/common';
import type { DeviceInfo } from '@switchyard/devices';
import type { DevicePool } from '@switchyard/runtime';
import type { DeviceSource, PoolSource } from '../interfaces/metrics-sources.interface';
import { METRICS_DEVICE_SOURCE, METRICS_POOL_SOURCE } from '../metrics.tokens';
import { BoundedLabelSet, reasonToken } from './bounded-label-set';

export interface DeviceLabels {
  device: string;
  kind: string;
}

const REFRESH_MS = 1000;
const DEVICE_ID = /^(cpu|gpu|npu):\d{1,3}$/;

/**
 * The devices metrics know about (inventory plus pools) and the bounded label values derived
 * from event payloads: only known device ids, at most 64 model names (events only name loaded
 * models), at most 32 error reasons, 16 policies.
 */
@Injectable()
export class DeviceDirectory {
  private byId = new Map<string, DeviceInfo>();
  private refreshedAt = Number.NEGATIVE_INFINITY;
  private readonly unlistedDevices = new BoundedLabelSet(8);
  private readonly models = new BoundedLabelSet(64);
  private readonly reasons = new BoundedLabelSet(32);
  private readonly policies = new BoundedLabelSet(16);

  constructor(
    @Optional() @Inject(METRICS_DEVICE_SOURCE) private readonly deviceSource?: DeviceSource,
    @Optional() @Inject(METRICS_POOL_SOURCE) private readonly poolSource?: PoolSource,
  ) {}

  /** Every known device: the inventory's, then any pool device it lacks. */
  devices(): DeviceInfo[] {
    this.refresh();
    return [...this.byId.values()];
  }

  pools(): readonly DevicePool[] {
    return this.poolSource?.pools() ?? [];
  }

  labels(deviceId: string | undefined): DeviceLabels {
    if (!deviceId) return { device: 'none', kind: 'none' };
    this.refresh();
    const known = this.byId.get(deviceId);
    if (known) return { device: known.id, kind: known.kind };
    // An id the inventory does not list (yet): admitted only in the canonical form, a few at most.
    if (!DEVICE_ID.test(deviceId)) return { device: 'other', kind: 'unknown' };
    const device = this.unlistedDevices.admit(deviceId);
    return { device, kind: device === 'other' ? 'unknown' : deviceId.slice(0, 3) };
  }

  model(name: string): string {
    return this.models.admit(name);
  }

  policy(name: string): string {
    return this.policies.admit(name);
  }

  reason(raw: string | undefined): string {
    return this.reasons.admit(reasonToken(raw));
  }

  private refresh(): void {
    const now = performance.now();
    if (now - this.refreshedAt < REFRESH_MS) return;
    this.refreshedAt = now;
    const next = new Map<string, DeviceInfo>();
    for (const d of this.deviceSource?.list() ?? []) next.set(d.id, d);
    for (const p of this.poolSource?.pools() ?? []) if (!next.has(p.device.id)) next.set(p.device.id, p.device);
    this.byId = next;
  }
}
