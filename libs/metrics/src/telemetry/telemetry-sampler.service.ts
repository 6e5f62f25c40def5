import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import type { NvidiaGpuStatus } from '@switchyard/devices';
import type { DeviceTelemetry } from '../interfaces/device-telemetry.interface';
import type { GpuTelemetrySource } from '../interfaces/gpu-telemetry-source.interface';
import type { HostTelemetry, HostTelemetrySource } from '../interfaces/host-telemetry.interface';
import { DeviceDirectory } from '../labels/device-directory.service';
import { METRICS_GPU_TELEMETRY, METRICS_HOST_TELEMETRY } from '../metrics.tokens';
import { MetricsService } from '../registry/metrics.service';
import { matchNvidiaDevice } from './match-nvidia-device';

export interface NvidiaTelemetry extends DeviceTelemetry {
  gpu: NvidiaGpuStatus;
}

/**
 * Samples device telemetry on a timer (config metrics.telemetryIntervalMs), off the request
 * path: host CPU load and memory for the CPU devices, nvidia-smi for NVIDIA GPUs. A tick that
 * finds the previous sample still running is skipped (and counted), so a slow nvidia-smi never
 * piles up. Scrapes read the latest sample; they never wait for one.
 */
@Injectable()
export class TelemetrySampler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TelemetrySampler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private hostSample?: HostTelemetry & { sampledAt: number };
  private gpus: NvidiaTelemetry[] = [];
  private readonly warned = new Set<string>();

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    @Inject(METRICS_HOST_TELEMETRY) private readonly host: HostTelemetrySource,
    @Inject(METRICS_GPU_TELEMETRY) private readonly nvidia: GpuTelemetrySource,
    private readonly directory: DeviceDirectory,
    private readonly metricsService: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.metrics.telemetryIntervalMs;
    if (every <= 0) return;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), every);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** The latest telemetry of a device, if any was sampled: nvidia-smi's, or the host's for a CPU. */
  telemetry(deviceId: string, kind: string): DeviceTelemetry | undefined {
    const gpu = this.gpus.find((g) => g.deviceId === deviceId);
    if (gpu) return gpu;
    if (kind !== 'cpu' || !this.hostSample) return undefined;
    const h = this.hostSample;
    return {
      deviceId,
      utilization: h.cpuUtilization,
      memoryUsedBytes: h.memoryUsedBytes,
      memoryTotalBytes: h.memoryTotalBytes,
      sampledAt: h.sampledAt,
    };
  }

  /** The latest sample of every NVIDIA GPU, with the device id it was matched to. */
  nvidiaGpus(): readonly NvidiaTelemetry[] {
    return this.gpus;
  }

  /**
   * Takes one sample unless one is already running (then returns false at once). Resolves when
   * the sample is stored; never rejects.
   */
  async tick(): Promise<boolean> {
    if (this.running) {
      this.metricsService.metrics.telemetrySkipped.inc();
      return false;
    }
    this.running = this.sample()
      .catch((err: unknown) => this.logger.warn(`telemetry sample failed: ${(err as Error).message}`))
      .finally(() => (this.running = undefined));
    await this.running;
    return true;
  }

  private async sample(): Promise<void> {
    const end = this.metricsService.metrics.telemetryDuration.startTimer();
    const [host, gpus] = await Promise.all([this.sampleHost(), this.sampleNvidia()]);
    const sampledAt = Date.now();
    // A source that failed this time keeps its previous sample rather than vanishing.
    if (host) this.hostSample = { ...host, sampledAt };
    if (gpus) {
      const devices = this.directory.devices();
      this.gpus = gpus.map((gpu) => ({
        deviceId: matchNvidiaDevice(gpu, devices),
        utilization: gpu.utilizationPercent === undefined ? undefined : gpu.utilizationPercent / 100,
        memoryUsedBytes: gpu.memoryUsedBytes,
        memoryTotalBytes: gpu.memoryTotalBytes,
        temperatureC: gpu.temperatureC,
        powerWatts: gpu.powerWatts,
        sampledAt,
        gpu,
      }));
    }
    end();
  }

  private async sampleHost() {
    try {
      return await this.host.sample();
    } catch (err) {
      this.failed('host', err);
      return undefined;
    }
  }

  private async sampleNvidia(): Promise<NvidiaGpuStatus[] | undefined> {
    try {
      return (await this.nvidia.available()) ? await this.nvidia.query() : [];
    } catch (err) {
      this.failed('nvidia', err);
      return undefined;
    }
  }

  private failed(source: 'host' | 'nvidia', err: unknown): void {
    this.metricsService.metrics.telemetryErrors.inc({ source });
    if (this.warned.has(source)) return;
    this.warned.add(source);
    this.logger.warn(`${source} telemetry failed (further failures are only counted): ${(err as Error).message}`);
  }
}
