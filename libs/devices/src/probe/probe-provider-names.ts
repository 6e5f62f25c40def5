import type { ExecutionProviderName } from '../interfaces/device.interface';

/** The name ORT gives each EP in its profile's "provider" field. */
export const ORT_PROVIDER_NAMES: Record<ExecutionProviderName, string> = {
  cpu: 'CPUExecutionProvider',
  webgpu: 'WebGpuExecutionProvider',
  cuda: 'CUDAExecutionProvider',
  tensorrt: 'TensorrtExecutionProvider',
  coreml: 'CoreMLExecutionProvider',
  qnn: 'QNNExecutionProvider',
  dml: 'DmlExecutionProvider',
};
