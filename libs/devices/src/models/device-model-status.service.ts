import { Injectable } from '@nestjs/common';

/** "served", or why the model is not served on the device (e.g. a remote tier whose signature differs). */
export type DeviceModelStatus = 'served' | { notServed: string };

/**
 * Per device, which model versions it serves and why the others are not served there: written
 * by the model pinner on each load, shown at GET /v1/devices for remote tiers (docs/remote-tier.md).
 */
@Injectable()
export class DeviceModelStatusService {
  private readonly byDevice = new Map<string, Map<string, DeviceModelStatus>>();

  record(deviceId: string, modelKey: string, status: DeviceModelStatus): void {
    let models = this.byDevice.get(deviceId);
    if (!models) this.byDevice.set(deviceId, (models = new Map<string, DeviceModelStatus>()));
    models.set(modelKey, status);
  }

  /** Drops a version everywhere (it was unloaded). */
  forget(modelKey: string): void {
    for (const models of this.byDevice.values()) models.delete(modelKey);
  }

  of(deviceId: string): Record<string, DeviceModelStatus> {
    return Object.fromEntries(this.byDevice.get(deviceId) ?? []);
  }
}
