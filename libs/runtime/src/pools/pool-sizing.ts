import type { SwitchyardConfig } from '@switchyard/config';
import type { DeviceInfo } from '@switchyard/devices';

export interface PoolSizing {
  workers: number;
  concurrentTasksPerWorker: number;
  intraOpThreads: number;
}

/**
 * How many workers a device gets. CPU: workers x intra-op threads fit the cores (by default about
 * sqrt(cores) workers: 16 cores -> 4 x 4, 2 cores -> 2 x 1), one task per worker since run()
 * blocks its thread. GPU/NPU: exactly one worker per adapter (two WebGPU workers in one process
 * crash it), holding several tasks so the device never waits for the next message.
 */
export function poolSizing(device: DeviceInfo, config: SwitchyardConfig['devices'], cores: number): PoolSizing {
  if (device.kind !== 'cpu') {
    return { workers: 1, concurrentTasksPerWorker: config.gpuConcurrentTasks, intraOpThreads: 0 };
  }
  const workers = config.cpu.workers || Math.max(2, Math.round(Math.sqrt(cores)));
  const intraOpThreads = config.cpu.threadsPerWorker || Math.max(1, Math.floor(cores / workers));
  return { workers, concurrentTasksPerWorker: 1, intraOpThreads };
}
