import type { DeviceInfo } from '../interfaces/device.interface';
import type { ExecutionProviderStatus } from '../interfaces/execution-provider-status.interface';
import type { DeviceHealth } from '../health/device-health.interface';

/** GET /v1/devices; usable devices carry their health. */
export interface DevicesResponseDto {
  devices: Array<DeviceInfo & { health?: DeviceHealth }>;
  executionProviders: ExecutionProviderStatus[];
}
