import { loadConfig } from '@switchyard/config';
import type { DeviceInfo, NvidiaGpuStatus } from '@switchyard/devices';
import { totalmem } from 'node:os';
import type { GpuTelemetrySource } from '../interfaces/gpu-telemetry-source.interface';
import { DeviceDirectory } from '../labels/device-directory.service';
import { MetricsService } from '../registry/metrics.service';
import { parseExposition, sampleValue } from '../testing/parse-exposition';
import { SystemInformationHostAdapter } from './systeminformation-host.adapter';
import { TelemetrySampler } from './telemetry-sampler.service';

const MiB = 2 ** 20;
const H100: NvidiaGpuStatus = {
  index: 0,
  uuid: 'GPU-5d1c',
  name: 'NVIDIA H100 80GB HBM3',
  memoryTotalBytes: 81559 * MiB,
  memoryUsedBytes: 1024 * MiB,
  utilizationPercent: 37,
  temperatureC: 41,
  powerWatts: 119.41,
};
const A10: NvidiaGpuStatus = { index: 1, uuid: 'GPU-0e2f', name: 'NVIDIA A10', memoryTotalBytes: 23028 * MiB, temperatureC: 33 };

const inventory: DeviceInfo[] = [
  { id: 'cpu:0', kind: 'cpu', vendor: 'x', name: 'CPU', executionProvider: 'cpu', usable: true, costWeight: 1, details: {} },
  {
    id: 'gpu:0',
    kind: 'gpu',
    vendor: 'NVIDIA',
    name: 'NVIDIA H100 80GB HBM3',
    executionProvider: 'webgpu',
    usable: true,
    costWeight: 1,
    details: { uuid: 'GPU-5d1c' },
  },
];

/**
 * Stands in for nvidia-smi, which cannot run on this machine (no NVIDIA GPU); the real adapter's
 * parsing is tested in the devices lib. `hold()` makes the next query wait until released.
 */
class FakeNvidiaSmi implements GpuTelemetrySource {
  queries = 0;
  failWith?: Error;
  private gate?: Promise<void>;
  release = () => {};

  constructor(
    private readonly gpus: NvidiaGpuStatus[],
    private readonly present = true,
  ) {}

  hold(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }

  async available(): Promise<boolean> {
    return this.present;
  }

  async query(): Promise<NvidiaGpuStatus[]> {
    this.queries++;
    await this.gate;
    this.gate = undefined;
    if (this.failWith) throw this.failWith;
    return this.gpus;
  }
}

function build(nvidia: FakeNvidiaSmi, intervalMs = 0) {
  const metrics = new MetricsService();
  const directory = new DeviceDirectory({ list: () => inventory });
  const sut = new TelemetrySampler(
    loadConfig({}, { TELEMETRY_INTERVAL_MS: intervalMs }),
    new SystemInformationHostAdapter(),
    nvidia,
    directory,
    metrics,
  );
  return { sut, metrics };
}

describe(TelemetrySampler.name, () => {
  it('samples the host (systeminformation) for CPU devices and nvidia-smi for matched GPUs', async () => {
    const { sut, metrics } = build(new FakeNvidiaSmi([H100, A10]));
    expect(await sut.tick()).toBe(true);

    const cpu = sut.telemetry('cpu:0', 'cpu')!;
    expect(cpu.memoryTotalBytes).toBe(totalmem());
    expect(cpu.memoryUsedBytes).toBeGreaterThan(0);
    expect(cpu.memoryUsedBytes).toBeLessThanOrEqual(totalmem());
    expect(cpu.utilization).toBeGreaterThanOrEqual(0);
    expect(cpu.utilization).toBeLessThanOrEqual(1);

    expect(sut.telemetry('gpu:0', 'gpu')).toMatchObject({
      utilization: 0.37,
      memoryUsedBytes: 1024 * MiB,
      memoryTotalBytes: 81559 * MiB,
      temperatureC: 41,
      powerWatts: 119.41,
    });
    expect(sut.nvidiaGpus().map((g) => g.deviceId)).toEqual(['gpu:0', 'nvidia:1']);
    expect(sut.telemetry('nvidia:1', 'gpu')).toMatchObject({ utilization: undefined, temperatureC: 33, powerWatts: undefined });
    const samples = parseExposition(await metrics.registry.metrics());
    expect(sampleValue(samples, 'switchyard_telemetry_sample_duration_seconds_count')).toBe(1);
  });

  it('skips a tick while the previous sample is still running, and counts it', async () => {
    const nvidia = new FakeNvidiaSmi([H100]);
    const { sut, metrics } = build(nvidia);
    nvidia.hold();
    const first = sut.tick();
    await new Promise((r) => setTimeout(r, 20));
    expect(await sut.tick()).toBe(false);
    expect(await sut.tick()).toBe(false);
    expect(nvidia.queries).toBe(1);
    nvidia.release();
    expect(await first).toBe(true);
    expect(await sut.tick()).toBe(true);
    const samples = parseExposition(await metrics.registry.metrics());
    expect(sampleValue(samples, 'switchyard_telemetry_skipped_ticks_total')).toBe(2);
  });

  it('keeps the previous GPU sample when nvidia-smi fails, and counts the failure', async () => {
    const nvidia = new FakeNvidiaSmi([H100]);
    const { sut, metrics } = build(nvidia);
    await sut.tick();
    nvidia.failWith = new Error('nvidia-smi timed out');
    await expect(sut.tick()).resolves.toBe(true);
    expect(sut.telemetry('gpu:0', 'gpu')?.temperatureC).toBe(41);
    const samples = parseExposition(await metrics.registry.metrics());
    expect(sampleValue(samples, 'switchyard_telemetry_errors_total', { source: 'nvidia' })).toBe(1);
  });

  it('never queries nvidia-smi on a host without it', async () => {
    const nvidia = new FakeNvidiaSmi([H100], false);
    const { sut } = build(nvidia);
    await sut.tick();
    expect(nvidia.queries).toBe(0);
    expect(sut.nvidiaGpus()).toEqual([]);
    expect(sut.telemetry('gpu:0', 'gpu')).toBeUndefined();
  });

  it('samples on its interval from bootstrap until destroyed', async () => {
    const nvidia = new FakeNvidiaSmi([H100]);
    const { sut, metrics } = build(nvidia, 40);
    sut.onApplicationBootstrap();
    await new Promise((r) => setTimeout(r, 500));
    await sut.onModuleDestroy();
    const taken = nvidia.queries;
    // Every tick either sampled or was skipped while a slow sample ran.
    const skipped = sampleValue(parseExposition(await metrics.registry.metrics()), 'switchyard_telemetry_skipped_ticks_total') ?? 0;
    expect(taken).toBeGreaterThanOrEqual(2);
    expect(taken + skipped).toBeGreaterThanOrEqual(6);
    await new Promise((r) => setTimeout(r, 120));
    expect(nvidia.queries).toBe(taken);
  });

  it('does not start a timer when the interval is 0', async () => {
    const nvidia = new FakeNvidiaSmi([H100]);
    const { sut } = build(nvidia, 0);
    sut.onApplicationBootstrap();
    await new Promise((r) => setTimeout(r, 50));
    expect(nvidia.queries).toBe(0);
  });
});
