import type { DeviceInfo, DeviceKind } from '../interfaces/device.interface';
import type { DeviceDraft } from './device-draft.interface';

export const DISABLED_REASON = 'disabled by SWITCHYARD_DISABLED_DEVICES';

const KIND_ORDER: DeviceKind[] = ['cpu', 'gpu', 'npu'];

/**
 * Numbers the devices per kind in the order found (cpu:0, gpu:0.., npu:0..) and applies the
 * config: disabled ids become unusable (the earlier reason, if any, kept in details), cost
 * weights default to 1.
 */
export function finalizeDevices(drafts: DeviceDraft[], disabled: string[], costWeights: Record<string, number>): DeviceInfo[] {
  return KIND_ORDER.flatMap((kind) =>
    drafts
      .filter((d) => d.kind === kind)
      .map((draft, n): DeviceInfo => {
        const id = `${kind}:${n}`;
        const device: DeviceInfo = { id, ...draft, costWeight: costWeights[id] ?? 1 };
        if (!disabled.includes(id)) return device;
        const details = draft.reason ? { ...draft.details, unusableReason: draft.reason } : draft.details;
        return { ...device, usable: false, reason: DISABLED_REASON, details };
      }),
  );
}

/** Config entries that name no device of this host (a typo, or hardware that is gone). */
export function unknownDeviceIds(devices: DeviceInfo[], disabled: string[], costWeights: Record<string, number>): string[] {
  const ids = new Set(devices.map((d) => d.id));
  return [...new Set([...disabled, ...Object.keys(costWeights)])].filter((id) => !ids.has(id));
}
