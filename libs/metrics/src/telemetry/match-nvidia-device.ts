import type { DeviceInfo, NvidiaGpuStatus } from '@switchyard/devices';

/**
 * The device id an NVIDIA GPU's telemetry belongs to: the inventory device that names its UUID
 * or its nvidia-smi index in `details`, else the only NVIDIA device whose name matches, else
 * "nvidia:<index>" (a GPU that no execution provider of this build serves still gets telemetry).
 */
export function matchNvidiaDevice(gpu: NvidiaGpuStatus, devices: readonly DeviceInfo[]): string {
  const gpus = devices.filter((d) => d.kind === 'gpu');
  const byUuid = gpus.find((d) => Object.values(d.details).includes(gpu.uuid));
  if (byUuid) return byUuid.id;
  const byIndex = gpus.find(
    (d) => /nvidia/i.test(d.vendor) && [d.details.nvidiaIndex, d.details.nvidiaSmiIndex, d.details.cudaDeviceId].includes(gpu.index),
  );
  if (byIndex) return byIndex.id;
  const byName = gpus.filter((d) => d.name !== '' && (d.name.includes(gpu.name) || gpu.name.includes(d.name)));
  if (byName.length === 1) return byName[0].id;
  return `nvidia:${gpu.index}`;
}
