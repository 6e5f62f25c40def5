import type { AccelDevice } from '../interfaces/accel-device.interface';
import type { ExecutionProviderName } from '../interfaces/device.interface';
import type { ExecutionProviderStatus } from '../interfaces/execution-provider-status.interface';
import type { HostPlatform } from '../interfaces/host-platform.interface';
import type { DeviceDraft } from './device-draft.interface';
import { findStatus, whyNot, works } from './execution-provider-plan';

const PCI_VENDORS: Record<string, string> = {
  '0x8086': 'Intel',
  '0x1022': 'AMD',
  '0x17cb': 'Qualcomm',
  '0x10de': 'NVIDIA',
  '0x1da3': 'Habana Labs',
};

/** Accel drivers whose NPUs an ORT EP outside this onnxruntime-node build would serve. */
const KNOWN_ACCEL: Record<string, { vendor: string; name: string; servedBy: string; reason: string }> = {
  intel_vpu: {
    vendor: 'Intel',
    name: 'Intel NPU',
    servedBy: 'OpenVINO',
    reason: "Intel NPUs are served by ORT's OpenVINO execution provider, which onnxruntime-node does not include",
  },
  amdxdna: {
    vendor: 'AMD',
    name: 'AMD XDNA NPU',
    servedBy: 'VitisAI',
    reason: "AMD XDNA NPUs are served by ORT's VitisAI execution provider, which is not in this onnxruntime-node build",
  },
};

/** NPUs: Linux accel devices, the Apple Neural Engine (CoreML) and Qualcomm Hexagon (QNN). */
export function buildNpuDevices(
  host: HostPlatform,
  accel: AccelDevice[],
  fastRpc: string[],
  statuses: ExecutionProviderStatus[],
): DeviceDraft[] {
  const devices = accel.map(accelDevice);
  if (host.platform === 'darwin' && host.arch === 'arm64') {
    devices.push(epDevice('Apple', 'Apple Neural Engine', 'coreml', statuses, { note: 'CoreML places each op on the ANE, GPU or CPU' }));
  }
  if ((host.platform === 'win32' && host.arch === 'arm64') || (host.platform === 'linux' && fastRpc.length > 0)) {
    devices.push(
      epDevice(
        'Qualcomm',
        'Qualcomm Hexagon NPU',
        'qnn',
        statuses,
        fastRpc.length ? { fastRpcNodes: fastRpc.map((n) => `/dev/${n}`) } : {},
      ),
    );
  }
  return devices;
}

function accelDevice(dev: AccelDevice): DeviceDraft {
  const known = KNOWN_ACCEL[dev.driver];
  const pci = { pciVendorId: dev.pciVendorId, pciDeviceId: dev.pciDeviceId };
  return {
    kind: 'npu',
    vendor: known?.vendor ?? PCI_VENDORS[dev.pciVendorId ?? ''] ?? 'unknown',
    name: known?.name ?? `${dev.driver} accelerator`,
    executionProvider: null,
    usable: false,
    reason: known?.reason ?? `no onnxruntime execution provider is known for the ${dev.driver} driver`,
    details: { driver: dev.driver, sysfsPath: dev.sysfsPath, ...pci, servedBy: known?.servedBy ?? null },
  };
}

function epDevice(
  vendor: string,
  name: string,
  ep: ExecutionProviderName,
  statuses: ExecutionProviderStatus[],
  details: Record<string, unknown>,
): DeviceDraft {
  const status = findStatus(statuses, ep);
  return {
    kind: 'npu',
    vendor,
    name,
    executionProvider: ep,
    usable: works(status),
    reason: whyNot(status, ep),
    details: { ...details, servedBy: ep, probeMs: status?.probe?.ms },
  };
}
