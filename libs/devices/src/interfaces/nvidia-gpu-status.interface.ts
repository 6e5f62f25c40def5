/**
 * One NVIDIA GPU as `nvidia-smi -q -x` reports it, numbers parsed.
 *
 * @remarks A field is `undefined` when nvidia-smi says "N/A" or omits it (MIG slices, some laptop
 * GPUs and old drivers do). `index` is the GPU's position in nvidia-smi's list (PCI bus order),
 * which is CUDA's device_id when CUDA_DEVICE_ORDER=PCI_BUS_ID.
 */
export interface NvidiaGpuStatus {
  index: number;
  uuid: string;
  name: string;
  driverVersion?: string;
  memoryTotalBytes?: number;
  memoryUsedBytes?: number;
  /** GPU (SM) utilisation over nvidia-smi's last sample period, 0..100. */
  utilizationPercent?: number;
  temperatureC?: number;
  /** Instantaneous board power draw, watts. */
  powerWatts?: number;
}
