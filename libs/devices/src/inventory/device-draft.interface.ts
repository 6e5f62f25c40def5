import type { DeviceInfo } from '../interfaces/device.interface';

/** A device before it is numbered and the config (disabled list, cost weights) is applied. */
export type DeviceDraft = Omit<DeviceInfo, 'id' | 'costWeight'>;
