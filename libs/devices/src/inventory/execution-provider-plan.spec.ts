import type { HostPlatform } from '../interfaces/host-platform.interface';
import type { OrtBackend } from '../interfaces/ort-backend.interface';
import { CUDA_LIBRARIES_MISSING, planExecutionProviders } from './execution-provider-plan';

const backend = (name: string, missingLibraries: string[] = []): OrtBackend => ({
  name,
  bundled: missingLibraries.length === 0,
  missingLibraries,
});
const EVERY_BACKEND = ['cpu', 'webgpu', 'cuda', 'tensorrt', 'coreml', 'qnn', 'dml'].map((n) => backend(n));
const GPU = { index: 0, uuid: 'GPU-1', name: 'NVIDIA L4' };

/** "ep" when probed, "ep: reason" when not applicable. */
function plan(host: HostPlatform, backends: OrtBackend[] = EVERY_BACKEND, gpus = [GPU]): string[] {
  return planExecutionProviders(host, backends, gpus).map(
    (s) => `${s.ep}${s.deviceId === undefined ? '' : `[${s.deviceId}]`}${s.applicable ? '' : `: ${s.reason}`}`,
  );
}

describe(planExecutionProviders.name, () => {
  it.each([
    [{ platform: 'linux', arch: 'x64' }, ['cpu', 'webgpu', 'cuda[0]', 'tensorrt[0]']],
    [{ platform: 'win32', arch: 'x64' }, ['cpu', 'webgpu', 'cuda[0]', 'tensorrt[0]', 'dml']],
    [{ platform: 'win32', arch: 'arm64' }, ['cpu', 'webgpu', 'qnn', 'dml']],
    [{ platform: 'linux', arch: 'arm64' }, ['cpu', 'webgpu', 'qnn']],
    [{ platform: 'darwin', arch: 'arm64' }, ['cpu', 'webgpu', 'coreml']],
  ] as [HostPlatform, string[]][])('probes on %j exactly %j', (host, probed) => {
    expect(plan(host).filter((line) => !line.includes(': '))).toEqual(probed);
  });

  it('says why each EP is not probed on Linux x64 without the CUDA libraries', () => {
    const backends = [
      backend('cpu'),
      backend('webgpu'),
      backend('cuda', ['libonnxruntime_providers_cuda.so']),
      backend('tensorrt', ['x.so']),
    ];
    expect(plan({ platform: 'linux', arch: 'x64' }, backends)).toEqual([
      'cpu',
      'webgpu',
      `cuda[0]: ${CUDA_LIBRARIES_MISSING}`,
      `tensorrt[0]: ${CUDA_LIBRARIES_MISSING}`,
      'coreml: the coreml EP exists only on macOS (this is linux/x64)',
      'qnn: the qnn EP exists only on Windows/Linux arm64 (this is linux/x64)',
      'dml: the dml EP exists only on Windows (this is linux/x64)',
    ]);
  });

  it('probes CUDA and TensorRT once per NVIDIA GPU, and not at all without one', () => {
    const host: HostPlatform = { platform: 'linux', arch: 'x64' };
    expect(plan(host, EVERY_BACKEND, [GPU, { ...GPU, index: 1 }]).filter((l) => /^(cuda|tensorrt)/.test(l))).toEqual([
      'cuda[0]',
      'cuda[1]',
      'tensorrt[0]',
      'tensorrt[1]',
    ]);
    expect(plan(host, EVERY_BACKEND, []).filter((l) => l.startsWith('cuda'))).toEqual([
      'cuda: no NVIDIA GPU found (nvidia-smi is not on PATH or lists none)',
    ]);
  });

  it('does not probe an EP that this build lacks even on its platform', () => {
    expect(plan({ platform: 'darwin', arch: 'arm64' }, [backend('cpu')])).toContain(
      'coreml: this onnxruntime-node build has no coreml EP (listSupportedBackends)',
    );
  });
});
