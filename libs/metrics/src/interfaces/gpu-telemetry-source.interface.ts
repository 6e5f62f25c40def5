import type { NvidiaGpuStatus } from '@switchyard/devices';

/** NVIDIA GPU telemetry, as the devices lib's NvidiaSmiAdapter gives it (asynchronous, cached availability). */
export interface GpuTelemetrySource {
  available(): Promise<boolean>;
  query(): Promise<NvidiaGpuStatus[]>;
}
