import type { ExecutionProviderName } from '../interfaces/device.interface';
import type { ExecutionProviderStatus } from '../interfaces/execution-provider-status.interface';
import type { HostPlatform } from '../interfaces/host-platform.interface';
import type { NvidiaGpuStatus } from '../interfaces/nvidia-gpu-status.interface';
import type { OrtBackend } from '../interfaces/ort-backend.interface';

export const CUDA_LIBRARIES_MISSING =
  'onnxruntime-node was installed without its CUDA 12 libraries (.npmrc onnxruntime-node-install=skip); see docs/cuda.md';

/** Where each EP can exist at all, whatever the build. */
const PLATFORMS: Record<ExecutionProviderName, { fits: (h: HostPlatform) => boolean; where: string }> = {
  cpu: { fits: () => true, where: 'everywhere' },
  webgpu: { fits: () => true, where: 'everywhere' },
  cuda: { fits: isX64LinuxOrWindows, where: 'linux/win32 x64' },
  tensorrt: { fits: isX64LinuxOrWindows, where: 'linux/win32 x64' },
  coreml: { fits: (h) => h.platform === 'darwin', where: 'macOS' },
  qnn: { fits: (h) => h.arch === 'arm64' && (h.platform === 'win32' || h.platform === 'linux'), where: 'Windows/Linux arm64' },
  dml: { fits: (h) => h.platform === 'win32', where: 'Windows' },
};

const ORDER: ExecutionProviderName[] = ['cpu', 'webgpu', 'cuda', 'tensorrt', 'coreml', 'qnn', 'dml'];

/**
 * Decides which EP probes to run: one per EP, and one per NVIDIA GPU for cuda and tensorrt.
 * An EP that cannot work here is returned with `applicable: false` and the reason, unprobed.
 */
export function planExecutionProviders(host: HostPlatform, backends: OrtBackend[], nvidia: NvidiaGpuStatus[]): ExecutionProviderStatus[] {
  return ORDER.flatMap((ep): ExecutionProviderStatus[] => {
    const reason = notApplicable(
      ep,
      host,
      backends.find((b) => b.name === ep),
    );
    const perGpu = ep === 'cuda' || ep === 'tensorrt';
    if (perGpu && !reason && nvidia.length === 0) {
      return [{ ep, applicable: false, reason: 'no NVIDIA GPU found (nvidia-smi is not on PATH or lists none)' }];
    }
    if (perGpu && nvidia.length > 0) return nvidia.map((gpu) => status(ep, reason, gpu.index));
    return [status(ep, reason)];
  });
}

function status(ep: ExecutionProviderName, reason: string | undefined, deviceId?: number): ExecutionProviderStatus {
  return reason ? { ep, deviceId, applicable: false, reason } : { ep, deviceId, applicable: true };
}

function notApplicable(ep: ExecutionProviderName, host: HostPlatform, backend: OrtBackend | undefined): string | undefined {
  const platform = PLATFORMS[ep];
  if (!platform.fits(host)) return `the ${ep} EP exists only on ${platform.where} (this is ${host.platform}/${host.arch})`;
  if (!backend) return `this onnxruntime-node build has no ${ep} EP (listSupportedBackends)`;
  if (backend.missingLibraries.length) {
    return ep === 'cuda' || ep === 'tensorrt'
      ? CUDA_LIBRARIES_MISSING
      : `${ep} EP libraries missing: ${backend.missingLibraries.join(', ')}`;
  }
  return undefined;
}

function isX64LinuxOrWindows(h: HostPlatform): boolean {
  return h.arch === 'x64' && (h.platform === 'linux' || h.platform === 'win32');
}

/** The status of `ep` (for `deviceId`, when given), or undefined when it was not planned. */
export function findStatus(
  statuses: ExecutionProviderStatus[],
  ep: ExecutionProviderName,
  deviceId?: number,
): ExecutionProviderStatus | undefined {
  return statuses.find((s) => s.ep === ep && (deviceId === undefined || s.deviceId === undefined || s.deviceId === deviceId));
}

/** True when the EP was probed and the probe passed. */
export function works(status: ExecutionProviderStatus | undefined): boolean {
  return !!status?.applicable && !!status.probe?.ok;
}

/** Why the EP cannot be used, for a person; undefined when it works. */
export function whyNot(status: ExecutionProviderStatus | undefined, ep: ExecutionProviderName): string | undefined {
  if (!status) return `${ep} was not considered`;
  if (!status.applicable) return status.reason;
  if (!status.probe?.ok) return `${ep} probe failed: ${status.probe?.error ?? 'no result'}`;
  return undefined;
}
