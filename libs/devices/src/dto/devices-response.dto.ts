import type { DeviceInfo } from '../interfaces/device.interface';
import type { ExecutionProviderStatus } from '../interfaces/execution-provider-status.interface';

/** GET /v1/devices */
export interface DevicesResponseDto {
  devices: DeviceInfo[];
  executionProviders: ExecutionProviderStatus[];
}
