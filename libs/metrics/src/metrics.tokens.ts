/** PoolSource: the device pools (RuntimeService). Optional: without it, pool gauges stay empty. */
export const METRICS_POOL_SOURCE = Symbol('METRICS_POOL_SOURCE');
/** DeviceSource: the device inventory (DeviceInventoryService). Optional. */
export const METRICS_DEVICE_SOURCE = Symbol('METRICS_DEVICE_SOURCE');
/** SchedulerStateSource: queue depths and policy (the scheduler). Optional. */
export const METRICS_SCHEDULER_SOURCE = Symbol('METRICS_SCHEDULER_SOURCE');
/** HostTelemetrySource: CPU load and memory (systeminformation by default). */
export const METRICS_HOST_TELEMETRY = Symbol('METRICS_HOST_TELEMETRY');
/** GpuTelemetrySource: NVIDIA GPUs (NvidiaSmiAdapter by default). */
export const METRICS_GPU_TELEMETRY = Symbol('METRICS_GPU_TELEMETRY');
