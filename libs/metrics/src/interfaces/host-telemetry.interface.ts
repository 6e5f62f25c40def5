/** One sample of the host (the CPU device): load since the previous sample and memory. */
export interface HostTelemetry {
  /** Busy share of all cores since the previous sample, 0..1. */
  cpuUtilization: number;
  memoryTotalBytes: number;
  /** Memory in use by processes (total minus available: page cache is not counted). */
  memoryUsedBytes: number;
}

/** Reads host telemetry without blocking the event loop. */
export interface HostTelemetrySource {
  sample(): Promise<HostTelemetry>;
}
