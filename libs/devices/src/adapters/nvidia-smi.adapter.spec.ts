import { writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { NvidiaGpuStatus } from '../interfaces/nvidia-gpu-status.interface';
import { writeFakeNvidiaSmi } from '../testing/fake-nvidia-smi';
import { NVIDIA_SMI_LOG_XML } from '../testing/nvidia-smi-log.fixture';
import { NvidiaSmiAdapter } from './nvidia-smi.adapter';

const MiB = 2 ** 20;
const H100_LINE = 'GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-5d1c6a9e-2b1f-4f57-9c57-0d5fb8b8a8e1)';
const A10_LINE = 'GPU 1: NVIDIA A10 (UUID: GPU-0e2f6c1a-77d4-4b0e-a3a1-3c5e27f9b402)';

/** Calls `new NvidiaSmiAdapter()[method]()` with PATH starting at `dir` (no nvidia-smi at all without it). */
async function callWithPath<T>(dir: string | undefined, method: 'available' | 'query'): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = dir ? `${dir}${delimiter}${saved}` : '/nonexistent-switchyard-path';
  try {
    const sut = new NvidiaSmiAdapter();
    return (await sut[method]()) as T;
  } finally {
    process.env.PATH = saved;
  }
}

describe(NvidiaSmiAdapter.name, () => {
  it('is available when nvidia-smi on PATH lists GPUs', async () => {
    const dir = writeFakeNvidiaSmi(NVIDIA_SMI_LOG_XML, [H100_LINE, A10_LINE]);
    await expect(callWithPath(dir, 'available')).resolves.toBe(true);
  });

  it('parses every GPU with numbers and units converted, N/A as undefined', async () => {
    const dir = writeFakeNvidiaSmi(NVIDIA_SMI_LOG_XML, [H100_LINE, A10_LINE]);
    const gpus = await callWithPath<NvidiaGpuStatus[]>(dir, 'query');
    expect(gpus).toEqual([
      {
        index: 0,
        uuid: 'GPU-5d1c6a9e-2b1f-4f57-9c57-0d5fb8b8a8e1',
        name: 'NVIDIA H100 80GB HBM3',
        driverVersion: '550.54.15',
        memoryTotalBytes: 81559 * MiB,
        memoryUsedBytes: 1024 * MiB,
        utilizationPercent: 37,
        temperatureC: 41,
        powerWatts: 119.41,
      },
      {
        index: 1,
        uuid: 'GPU-0e2f6c1a-77d4-4b0e-a3a1-3c5e27f9b402',
        name: 'NVIDIA A10',
        driverVersion: '550.54.15',
        memoryTotalBytes: 23028 * MiB,
        memoryUsedBytes: undefined,
        utilizationPercent: undefined,
        temperatureC: 33,
        powerWatts: undefined,
      },
    ]);
  });

  it('reads a single GPU (one <gpu> is an object, not an array) and the newer instant power element', async () => {
    const oneGpu = NVIDIA_SMI_LOG_XML.replace(/<gpu id="00000000:3B[\s\S]*?<\/gpu>/, '').replace(
      '<power_draw>119.41 W</power_draw>',
      '<average_power_draw>90.00 W</average_power_draw><instant_power_draw>101.5 W</instant_power_draw>',
    );
    const dir = writeFakeNvidiaSmi(oneGpu, [H100_LINE]);
    const gpus = await callWithPath<NvidiaGpuStatus[]>(dir, 'query');
    expect(gpus.map((g) => [g.index, g.name, g.powerWatts])).toEqual([[0, 'NVIDIA H100 80GB HBM3', 101.5]]);
  });

  it('is unavailable and lists no GPU without nvidia-smi on PATH', async () => {
    await expect(callWithPath(undefined, 'available')).resolves.toBe(false);
    await expect(callWithPath(undefined, 'query')).resolves.toEqual([]);
  });

  it('is unavailable when nvidia-smi exists but cannot reach a driver', async () => {
    const dir = writeFakeNvidiaSmi('', []);
    // What the real binary does on a host whose driver is not loaded.
    writeFileSync(
      join(dir, 'nvidia-smi'),
      "#!/bin/sh\necho 'NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.'\nexit 9\n",
    );
    await expect(callWithPath(dir, 'available')).resolves.toBe(false);
  });

  it('rejects when nvidia-smi prints something that is not its XML', async () => {
    const dir = writeFakeNvidiaSmi('<nvidia_smi_log><gpu>', [H100_LINE]);
    await expect(callWithPath(dir, 'query')).rejects.toThrow();
  });
});
