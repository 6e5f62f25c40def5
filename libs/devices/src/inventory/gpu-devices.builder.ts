import type { ExecutionProviderName } from '../interfaces/device.interface';
import type { ExecutionProviderStatus } from '../interfaces/execution-provider-status.interface';
import type { NvidiaGpuStatus } from '../interfaces/nvidia-gpu-status.interface';
import type { OrtHardwareDevice } from '../probe/ort-log.parser';
import type { DeviceDraft } from './device-draft.interface';
import { findStatus, whyNot, works } from './execution-provider-plan';

/** Best first: a physical NVIDIA GPU is served by the first EP whose probe passed. */
const NVIDIA_PREFERENCE: ExecutionProviderName[] = ['tensorrt', 'cuda', 'dml', 'webgpu'];
/** EPs that reach "some" GPU adapter without telling which one. */
const ADAPTER_EPS: ExecutionProviderName[] = ['dml', 'webgpu'];

/**
 * GPU devices: one per NVIDIA GPU (CUDA/TensorRT per device_id), and one for a WebGPU/DirectML
 * adapter that cannot be matched to an NVIDIA GPU. With exactly one NVIDIA GPU the adapter is
 * taken to be that GPU (onnxruntime-node does not report the adapter), so it is listed once.
 */
export function buildGpuDevices(nvidia: NvidiaGpuStatus[], statuses: ExecutionProviderStatus[]): DeviceDraft[] {
  const adapterMatchesNvidia = nvidia.length === 1;
  const devices = nvidia.map((gpu) => nvidiaDevice(gpu, statuses, adapterMatchesNvidia));
  if (!adapterMatchesNvidia) {
    const adapter = adapterDevice(statuses, nvidia.length);
    if (adapter) devices.push(adapter);
  }
  return devices;
}

function nvidiaDevice(gpu: NvidiaGpuStatus, statuses: ExecutionProviderStatus[], withAdapters: boolean): DeviceDraft {
  const candidates = NVIDIA_PREFERENCE.filter((ep) => withAdapters || !ADAPTER_EPS.includes(ep));
  const byEp = new Map(candidates.map((ep) => [ep, findStatus(statuses, ep, gpu.index)] as const));
  const working = candidates.filter((ep) => works(byEp.get(ep)));
  const best = working[0];
  return {
    kind: 'gpu',
    vendor: 'NVIDIA',
    name: gpu.name,
    memoryBytes: gpu.memoryTotalBytes,
    executionProvider: best ?? 'cuda',
    usable: best !== undefined,
    reason: best ? undefined : whyNot(byEp.get('cuda'), 'cuda'),
    details: {
      uuid: gpu.uuid,
      driverVersion: gpu.driverVersion,
      cudaDeviceId: gpu.index,
      /** The device_id the runtime passes to the cuda/tensorrt EP. */
      ordinal: gpu.index,
      ...(best === 'webgpu' || best === 'dml' ? { adapterIdentity: 'assumed: the only NVIDIA GPU (ORT does not name its adapter)' } : {}),
      alternativeExecutionProviders: working.slice(1),
      executionProviders: Object.fromEntries([...byEp].map(([ep, s]) => [ep, s ? epSummary(s) : 'not considered'])),
    },
  };
}

function adapterDevice(statuses: ExecutionProviderStatus[], nvidiaCount: number): DeviceDraft | undefined {
  const working = ADAPTER_EPS.filter((ep) => works(findStatus(statuses, ep)));
  const best = working[0];
  if (!best) return undefined;
  const probe = findStatus(statuses, best)?.probe;
  const hardware = ((probe?.adapterInfo?.ortHardwareDevices ?? []) as OrtHardwareDevice[]).filter((d) => d.type === 'gpu');
  const vendor = hardware.length === 1 ? hardware[0].vendor : 'unknown';
  return {
    kind: 'gpu',
    vendor,
    name: best === 'dml' ? 'DirectML adapter' : 'WebGPU adapter',
    executionProvider: best,
    usable: true,
    details: {
      adapterInfo: probe?.adapterInfo ?? null,
      alternativeExecutionProviders: working.slice(1),
      probeMs: probe?.ms,
      ...(nvidiaCount > 1 ? { note: `the adapter may be one of the ${nvidiaCount} NVIDIA GPUs listed separately` } : {}),
    },
  };
}

function epSummary(s: ExecutionProviderStatus): string {
  return works(s) ? `ok (${Math.round(s.probe?.ms ?? 0)} ms)` : (whyNot(s, s.ep) ?? 'unusable');
}
