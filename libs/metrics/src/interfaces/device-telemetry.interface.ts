/** The latest telemetry of one device; fields absent when the device cannot report them. */
export interface DeviceTelemetry {
  deviceId: string;
  /** 0..1, from the hardware (host CPU load, nvidia-smi); absent for WebGPU/NPU devices. */
  utilization?: number;
  memoryUsedBytes?: number;
  memoryTotalBytes?: number;
  temperatureC?: number;
  powerWatts?: number;
  /** Date.now() of the sample. */
  sampledAt: number;
}
