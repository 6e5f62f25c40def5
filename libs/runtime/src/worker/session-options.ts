import type { InferenceSession } from 'onnxruntime-node';
import type { WorkerConfig } from './worker-protocol';

/** Session options tuned per execution provider. */
export function sessionOptionsFor(config: WorkerConfig): InferenceSession.SessionOptions {
  const common: InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', logSeverityLevel: 3 };
  switch (config.executionProvider) {
    case 'cpu':
      return {
        ...common,
        executionProviders: ['cpu'],
        // workers x intra-op threads must fit the cores, or threads fight over them
        intraOpNumThreads: config.intraOpThreads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        enableCpuMemArena: true,
        enableMemPattern: true,
      };
    case 'webgpu':
      return { ...common, executionProviders: [{ name: 'webgpu', ...config.providerOptions }] };
    default:
      return {
        ...common,
        executionProviders: [{ name: config.executionProvider, ...config.providerOptions }],
      };
  }
}
