import { loadConfig } from '@switchyard/config';
import { DeviceInventoryService } from './device-inventory.service';
import type { DeviceInfo } from './interfaces/device.interface';
import type { NvidiaGpuStatus } from './interfaces/nvidia-gpu-status.interface';
import type { OrtBackend } from './interfaces/ort-backend.interface';
import { DISABLED_REASON } from './inventory/device-config';
import { CUDA_LIBRARIES_MISSING } from './inventory/execution-provider-plan';
import { FAKE_CPU, type FakeHost, fakeDeviceAdapters } from './testing/fake-device-adapters';

const GiB = 2 ** 30;
const H100: NvidiaGpuStatus = {
  index: 0,
  uuid: 'GPU-aaa',
  name: 'NVIDIA H100 80GB HBM3',
  driverVersion: '550.54.15',
  memoryTotalBytes: 80 * GiB,
};
const A10: NvidiaGpuStatus = { index: 1, uuid: 'GPU-bbb', name: 'NVIDIA A10', driverVersion: '550.54.15', memoryTotalBytes: 23 * GiB };
const WITH_CUDA_LIBS: OrtBackend[] = [
  { name: 'cpu', bundled: true, missingLibraries: [] },
  { name: 'webgpu', bundled: true, missingLibraries: [] },
  { name: 'cuda', bundled: false, missingLibraries: [] },
  { name: 'tensorrt', bundled: false, missingLibraries: [] },
];
const WITHOUT_CUDA_LIBS: OrtBackend[] = WITH_CUDA_LIBS.map((b) =>
  b.bundled ? b : { ...b, missingLibraries: ['libonnxruntime_providers_shared.so', `libonnxruntime_providers_${b.name}.so`] },
);

async function discover(host: FakeHost, env: Record<string, string> = {}) {
  const fakes = fakeDeviceAdapters(host);
  const sut = new DeviceInventoryService(
    loadConfig(env),
    fakes.cpu,
    fakes.nvidia,
    fakes.backends,
    fakes.prober,
    fakes.npus,
    fakes.platform,
  );
  await sut.onModuleInit();
  return { sut, probed: fakes.probed };
}

const summary = (d: DeviceInfo) => [d.id, d.executionProvider, d.usable, d.reason];

describe(DeviceInventoryService.name, () => {
  it('lists a CPU-only host with the facts of its CPU and probes only cpu and webgpu', async () => {
    const { sut, probed } = await discover({ probes: { cpu: {} } });
    expect(sut.list()).toEqual([
      {
        id: 'cpu:0',
        kind: 'cpu',
        vendor: 'AMD',
        name: 'EPYC 7B13',
        memoryBytes: FAKE_CPU.memoryTotalBytes,
        executionProvider: 'cpu',
        usable: true,
        reason: undefined,
        costWeight: 1,
        details: { physicalCores: 1, logicalCores: 2, speedGHz: 2.45, probeMs: 5 },
      },
    ]);
    expect(probed.sort()).toEqual(['cpu', 'webgpu']);
    expect(sut.executionProviders().find((s) => s.ep === 'cuda')).toMatchObject({
      applicable: false,
      reason: expect.stringContaining('no cuda EP'),
    });
  });

  it('lists a working WebGPU adapter as gpu:0 when there is no NVIDIA GPU', async () => {
    const adapterInfo = { ortHardwareDevices: [{ vendor: 'Intel', vendorId: '0x8086', deviceId: '0x46a6', type: 'gpu' }] };
    const { sut } = await discover({ probes: { cpu: {}, webgpu: { adapterInfo } } });
    expect(sut.list().map(summary)).toEqual([
      ['cpu:0', 'cpu', true, undefined],
      ['gpu:0', 'webgpu', true, undefined],
    ]);
    expect(sut.get('gpu:0')).toMatchObject({ kind: 'gpu', vendor: 'Intel', name: 'WebGPU adapter' });
  });

  it('marks the CPU unusable with the probe error when the cpu probe fails', async () => {
    const { sut } = await discover({ probes: { cpu: { ok: false, error: 'probe process was killed by SIGSEGV before answering' } } });
    expect(sut.get('cpu:0')).toMatchObject({
      usable: false,
      reason: 'cpu probe failed: probe process was killed by SIGSEGV before answering',
    });
    expect(sut.usable()).toEqual([]);
  });

  it('still lists the CPU when systeminformation fails', async () => {
    const { sut } = await discover({ cpu: new Error('no /proc/cpuinfo'), probes: { cpu: {} } });
    expect(sut.get('cpu:0')).toMatchObject({
      name: 'CPU',
      vendor: 'unknown',
      usable: true,
      details: { inventoryError: 'no /proc/cpuinfo' },
    });
  });

  it('applies SWITCHYARD_DISABLED_DEVICES and SWITCHYARD_DEVICE_COSTS', async () => {
    const env = { SWITCHYARD_DISABLED_DEVICES: 'gpu:0', SWITCHYARD_DEVICE_COSTS: 'cpu:0=0.5,gpu:0=3' };
    const { sut } = await discover({ probes: { cpu: {}, webgpu: {} } }, env);
    expect(sut.get('cpu:0')).toMatchObject({ usable: true, costWeight: 0.5 });
    expect(sut.get('gpu:0')).toMatchObject({ usable: false, reason: DISABLED_REASON, costWeight: 3 });
    expect(sut.usable().map((d) => d.id)).toEqual(['cpu:0']);
  });

  it('keeps the earlier reason of a disabled device that was unusable anyway', async () => {
    const { sut } = await discover({ probes: { cpu: { ok: false, error: 'boom' } } }, { SWITCHYARD_DISABLED_DEVICES: 'cpu:0' });
    expect(sut.get('cpu:0')).toMatchObject({
      usable: false,
      reason: DISABLED_REASON,
      details: { unusableReason: 'cpu probe failed: boom' },
    });
  });

  it('lists one NVIDIA GPU once, served by WebGPU, when the CUDA libraries are not installed', async () => {
    const { sut, probed } = await discover({ nvidia: [H100], backends: WITHOUT_CUDA_LIBS, probes: { cpu: {}, webgpu: {} } });
    expect(sut.list().map(summary)).toEqual([
      ['cpu:0', 'cpu', true, undefined],
      ['gpu:0', 'webgpu', true, undefined],
    ]);
    expect(sut.get('gpu:0')).toMatchObject({
      vendor: 'NVIDIA',
      name: 'NVIDIA H100 80GB HBM3',
      memoryBytes: 80 * GiB,
      details: {
        uuid: 'GPU-aaa',
        cudaDeviceId: 0,
        ordinal: 0,
        alternativeExecutionProviders: [],
        executionProviders: { cuda: CUDA_LIBRARIES_MISSING },
      },
    });
    expect(probed.sort()).toEqual(['cpu', 'webgpu']);
  });

  it('prefers TensorRT, then CUDA, for an NVIDIA GPU and notes the alternatives', async () => {
    const { sut, probed } = await discover({
      nvidia: [H100],
      backends: WITH_CUDA_LIBS,
      probes: { cpu: {}, webgpu: {}, 'cuda:0': {}, 'tensorrt:0': {} },
    });
    expect(sut.get('gpu:0')).toMatchObject({
      executionProvider: 'tensorrt',
      usable: true,
      details: { alternativeExecutionProviders: ['cuda', 'webgpu'] },
    });
    expect(sut.list()).toHaveLength(2);
    expect(probed.sort()).toEqual(['cpu', 'cuda:0', 'tensorrt:0', 'webgpu']);
  });

  it('falls back to CUDA when the TensorRT probe fails', async () => {
    const { sut } = await discover({
      nvidia: [H100],
      backends: WITH_CUDA_LIBS,
      probes: { cpu: {}, 'cuda:0': {}, 'tensorrt:0': { ok: false, error: 'libnvinfer.so.10: cannot open shared object file' } },
    });
    expect(sut.get('gpu:0')).toMatchObject({
      executionProvider: 'cuda',
      usable: true,
      details: { executionProviders: { tensorrt: 'tensorrt probe failed: libnvinfer.so.10: cannot open shared object file' } },
    });
  });

  it('probes CUDA per GPU and lists an unmatched WebGPU adapter after the NVIDIA GPUs', async () => {
    const { sut, probed } = await discover({
      nvidia: [H100, A10],
      backends: WITH_CUDA_LIBS,
      probes: { cpu: {}, webgpu: {}, 'cuda:0': {}, 'cuda:1': { ok: false, error: 'CUDA failure 100: no CUDA-capable device is detected' } },
    });
    expect(sut.list().map(summary)).toEqual([
      ['cpu:0', 'cpu', true, undefined],
      ['gpu:0', 'cuda', true, undefined],
      ['gpu:1', 'cuda', false, 'cuda probe failed: CUDA failure 100: no CUDA-capable device is detected'],
      ['gpu:2', 'webgpu', true, undefined],
    ]);
    expect(sut.get('gpu:1')).toMatchObject({ name: 'NVIDIA A10', details: { uuid: 'GPU-bbb', ordinal: 1 } });
    expect(sut.get('gpu:2')).toMatchObject({ name: 'WebGPU adapter', vendor: 'unknown' });
    expect(probed.sort()).toEqual(['cpu', 'cuda:0', 'cuda:1', 'tensorrt:0', 'tensorrt:1', 'webgpu']);
  });

  it('lists an NVIDIA GPU that no EP can serve as unusable with the CUDA reason', async () => {
    const { sut } = await discover({ nvidia: [H100], backends: WITHOUT_CUDA_LIBS, probes: { cpu: {} } });
    expect(sut.get('gpu:0')).toMatchObject({ executionProvider: 'cuda', usable: false, reason: CUDA_LIBRARIES_MISSING });
  });

  it('survives nvidia-smi failing', async () => {
    const { sut } = await discover({ nvidia: new Error('nvidia-smi: Unable to determine the device handle'), probes: { cpu: {} } });
    expect(sut.list().map((d) => d.id)).toEqual(['cpu:0']);
  });

  it('lists Linux accel NPUs with the EP that would serve them, after the GPUs', async () => {
    const { sut } = await discover({
      probes: { cpu: {}, webgpu: {} },
      accel: [
        { node: 'accel0', driver: 'intel_vpu', pciVendorId: '0x8086', pciDeviceId: '0x7d1d', sysfsPath: '/sys/class/accel/accel0' },
        { node: 'accel1', driver: 'habanalabs', pciVendorId: '0x1da3', sysfsPath: '/sys/class/accel/accel1' },
      ],
    });
    expect(sut.list().map(summary)).toEqual([
      ['cpu:0', 'cpu', true, undefined],
      ['gpu:0', 'webgpu', true, undefined],
      ['npu:0', null, false, "Intel NPUs are served by ORT's OpenVINO execution provider, which onnxruntime-node does not include"],
      ['npu:1', null, false, 'no onnxruntime execution provider is known for the habanalabs driver'],
    ]);
    expect(sut.get('npu:0')).toMatchObject({
      vendor: 'Intel',
      name: 'Intel NPU',
      details: { servedBy: 'OpenVINO', pciDeviceId: '0x7d1d' },
    });
    expect(sut.get('npu:1')).toMatchObject({ vendor: 'Habana Labs', name: 'habanalabs accelerator' });
  });

  it('lists the Apple Neural Engine through CoreML on Apple silicon', async () => {
    const backends: OrtBackend[] = [
      { name: 'cpu', bundled: true, missingLibraries: [] },
      { name: 'webgpu', bundled: true, missingLibraries: [] },
      { name: 'coreml', bundled: true, missingLibraries: [] },
    ];
    const { sut, probed } = await discover({
      platform: { platform: 'darwin', arch: 'arm64' },
      backends,
      probes: { cpu: {}, webgpu: {}, coreml: {} },
    });
    expect(sut.list().map(summary)).toEqual([
      ['cpu:0', 'cpu', true, undefined],
      ['gpu:0', 'webgpu', true, undefined],
      ['npu:0', 'coreml', true, undefined],
    ]);
    expect(sut.get('npu:0')).toMatchObject({ vendor: 'Apple', name: 'Apple Neural Engine' });
    expect(probed.sort()).toEqual(['coreml', 'cpu', 'webgpu']);
  });

  it('lists a Qualcomm NPU on Linux with FastRPC nodes, unusable when this build has no QNN EP', async () => {
    const { sut, probed } = await discover({
      platform: { platform: 'linux', arch: 'arm64' },
      fastRpc: ['fastrpc-cdsp'],
      probes: { cpu: {} },
    });
    expect(sut.get('npu:0')).toMatchObject({
      vendor: 'Qualcomm',
      executionProvider: 'qnn',
      usable: false,
      reason: 'this onnxruntime-node build has no qnn EP (listSupportedBackends)',
      details: { fastRpcNodes: ['/dev/fastrpc-cdsp'] },
    });
    expect(probed).not.toContain('qnn');
  });

  it('returns frozen devices, so callers cannot change the inventory', async () => {
    const { sut } = await discover({ probes: { cpu: {} } });
    expect(() => {
      (sut.get('cpu:0') as { usable: boolean }).usable = false;
    }).toThrow(TypeError);
    expect(sut.get('cpu:0')?.usable).toBe(true);
  });
});
