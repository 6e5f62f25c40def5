import type { RemoteDeviceConfig } from '@switchyard/config';
import type { DeviceInfo } from '../interfaces/device.interface';
import { DISABLED_REASON } from './device-config';

/**
 * The remote tiers of SWITCHYARD_REMOTE_DEVICES as devices `remote:<name>`: usable from the
 * start (whether it answers shows per model when models are matched, and in its health), cost
 * weight from the entry unless SWITCHYARD_DEVICE_COSTS names the device.
 */
export function buildRemoteDevices(remotes: RemoteDeviceConfig[], disabled: string[], costWeights: Record<string, number>): DeviceInfo[] {
  return remotes.map((r): DeviceInfo => {
    const id = `remote:${r.name}`;
    const device: DeviceInfo = {
      id,
      kind: 'remote',
      vendor: 'KServe v2',
      name: r.url,
      executionProvider: null,
      usable: true,
      costWeight: costWeights[id] ?? r.costWeight,
      // the token stays out: this object is served at GET /v1/devices
      details: { url: r.url, concurrency: r.concurrency, authenticated: r.key !== undefined },
    };
    return disabled.includes(id) ? { ...device, usable: false, reason: DISABLED_REASON } : device;
  });
}
