import type { CpuInfoAdapter } from '../adapters/cpu-info.adapter';
import type { ExecutionProviderProbeAdapter } from '../adapters/execution-provider-probe.adapter';
import type { HostPlatformAdapter } from '../adapters/host-platform.adapter';
import type { NpuSysfsAdapter } from '../adapters/npu-sysfs.adapter';
import type { NvidiaSmiAdapter } from '../adapters/nvidia-smi.adapter';
import type { OrtBackendsAdapter } from '../adapters/ort-backends.adapter';
import type { AccelDevice } from '../interfaces/accel-device.interface';
import type { CpuFacts } from '../interfaces/cpu-facts.interface';
import type { ExecutionProviderName } from '../interfaces/device.interface';
import type { HostPlatform } from '../interfaces/host-platform.interface';
import type { NvidiaGpuStatus } from '../interfaces/nvidia-gpu-status.interface';
import type { OrtBackend } from '../interfaces/ort-backend.interface';
import type { ProbeResult } from '../interfaces/probe-result.interface';

/** A host as the device adapters would see it; everything a test does not set is a plain CPU box. */
export interface FakeHost {
  platform?: HostPlatform;
  cpu?: CpuFacts | Error;
  nvidia?: NvidiaGpuStatus[] | Error;
  backends?: OrtBackend[];
  accel?: AccelDevice[];
  fastRpc?: string[];
  /** Probe outcome per "ep" or "ep:deviceId"; an EP not listed fails with "no such EP here". */
  probes?: Partial<Record<string, Partial<ProbeResult>>>;
}

export const FAKE_CPU: CpuFacts = {
  vendor: 'AMD',
  model: 'EPYC 7B13',
  physicalCores: 1,
  logicalCores: 2,
  speedGHz: 2.45,
  memoryTotalBytes: 24 * 2 ** 30,
};

const BUNDLED: OrtBackend[] = [
  { name: 'cpu', bundled: true, missingLibraries: [] },
  { name: 'webgpu', bundled: true, missingLibraries: [] },
];

/** Fakes of every adapter DeviceInventoryService uses, plus the log of probes it asked for. */
export function fakeDeviceAdapters(host: FakeHost) {
  const probed: string[] = [];
  const key = (ep: ExecutionProviderName, deviceId?: number) => (deviceId === undefined ? ep : `${ep}:${deviceId}`);
  const cpu = {
    read: async () => {
      if (host.cpu instanceof Error) throw host.cpu;
      return host.cpu ?? FAKE_CPU;
    },
  };
  const nvidia = {
    available: async () => Array.isArray(host.nvidia) && host.nvidia.length > 0,
    query: async () => {
      if (host.nvidia instanceof Error) throw host.nvidia;
      return host.nvidia ?? [];
    },
  };
  const backends = { list: async () => host.backends ?? BUNDLED };
  const prober = {
    probe: async (ep: ExecutionProviderName, deviceId?: number): Promise<ProbeResult> => {
      probed.push(key(ep, deviceId));
      const canned = host.probes?.[key(ep, deviceId)] ?? host.probes?.[ep];
      return canned ? { ok: true, ms: 5, ...canned } : { ok: false, error: `no ${ep} here`, ms: 5 };
    },
  };
  const npus = { accelDevices: async () => host.accel ?? [], fastRpcNodes: async () => host.fastRpc ?? [] };
  const platform = { read: () => host.platform ?? { platform: 'linux' as const, arch: 'x64' } };
  return {
    probed,
    cpu: cpu satisfies CpuInfoAdapter,
    nvidia: nvidia as unknown as NvidiaSmiAdapter,
    backends: backends satisfies OrtBackendsAdapter,
    prober: prober as unknown as ExecutionProviderProbeAdapter,
    npus: npus as unknown as NpuSysfsAdapter,
    platform: platform satisfies HostPlatformAdapter,
  };
}
