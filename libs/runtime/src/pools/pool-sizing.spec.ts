import { loadConfig } from '@switchyard/config';
import type { DeviceInfo } from '@switchyard/devices';
import { poolSizing } from './pool-sizing';

const device = (kind: DeviceInfo['kind']): DeviceInfo => ({
  id: `${kind}:0`,
  kind,
  vendor: 'x',
  name: 'x',
  executionProvider: kind === 'cpu' ? 'cpu' : 'webgpu',
  usable: true,
  costWeight: 1,
  details: {},
});

describe(poolSizing.name, () => {
  const defaults = loadConfig({}).devices;

  it.each([
    [2, 2, 1],
    [16, 4, 4],
    [64, 8, 8],
  ])('sizes a CPU of %i cores as %i workers x %i threads', (cores, workers, threads) => {
    expect(poolSizing(device('cpu'), defaults, cores)).toEqual({ workers, concurrentTasksPerWorker: 1, intraOpThreads: threads });
  });

  it('gives a GPU exactly one worker with several tasks', () => {
    const sut = poolSizing(device('gpu'), defaults, 16);
    expect(sut.workers).toBe(1);
    expect(sut.concurrentTasksPerWorker).toBe(defaults.gpuConcurrentTasks);
  });

  it('honours configured CPU workers and threads', () => {
    const config = loadConfig({ SWITCHYARD_CPU_WORKERS: '3', SWITCHYARD_CPU_THREADS_PER_WORKER: '2' }).devices;
    expect(poolSizing(device('cpu'), config, 16)).toEqual({ workers: 3, concurrentTasksPerWorker: 1, intraOpThreads: 2 });
  });
});
