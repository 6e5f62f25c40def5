import type { DeviceInfo } from '../interfaces/device.interface';
import type { ExecutionProviderStatus } from '../interfaces/execution-provider-status.interface';
import type { DeviceHealth } from '../health/device-health.interface';
import type { DeviceModelStatus } from '../models/device-model-status.service';

/** GET /v1/devices; usable devices carry their health, remote tiers the models they serve (or why not). */
export interface DevicesResponseDto {
  devices: Array<DeviceInfo & { health?: DeviceHealth; models?: Record<string, DeviceModelStatus> }>;
  executionProviders: ExecutionProviderStatus[];
}
