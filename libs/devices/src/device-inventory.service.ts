import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { CpuInfoAdapter } from './adapters/cpu-info.adapter';
import { ExecutionProviderProbeAdapter } from './adapters/execution-provider-probe.adapter';
import { HostPlatformAdapter } from './adapters/host-platform.adapter';
import { NpuSysfsAdapter } from './adapters/npu-sysfs.adapter';
import { NvidiaSmiAdapter } from './adapters/nvidia-smi.adapter';
import { OrtBackendsAdapter } from './adapters/ort-backends.adapter';
import type { DeviceInfo } from './interfaces/device.interface';
import type { ExecutionProviderStatus } from './interfaces/execution-provider-status.interface';
import type { NvidiaGpuStatus } from './interfaces/nvidia-gpu-status.interface';
import { buildCpuDevice } from './inventory/cpu-device.builder';
import { finalizeDevices, unknownDeviceIds } from './inventory/device-config';
import { formatDeviceTable, formatProviderTable } from './inventory/device-table.formatter';
import { planExecutionProviders } from './inventory/execution-provider-plan';
import { buildGpuDevices } from './inventory/gpu-devices.builder';
import { buildNpuDevices } from './inventory/npu-devices.builder';
import { buildRemoteDevices } from './inventory/remote-devices.builder';

/**
 * The host's devices, discovered once at start-up (Nest awaits onModuleInit before the modules
 * that import DevicesModule initialise) and fixed for the life of the process.
 */
@Injectable()
export class DeviceInventoryService implements OnModuleInit {
  private readonly logger = new Logger(DeviceInventoryService.name);
  private devices: readonly DeviceInfo[] = [];
  private providers: readonly ExecutionProviderStatus[] = [];
  private discovery?: Promise<void>;

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly cpu: CpuInfoAdapter,
    private readonly nvidia: NvidiaSmiAdapter,
    private readonly backends: OrtBackendsAdapter,
    private readonly prober: ExecutionProviderProbeAdapter,
    private readonly npus: NpuSysfsAdapter,
    private readonly platform: HostPlatformAdapter,
  ) {}

  onModuleInit(): Promise<void> {
    return this.ready();
  }

  /** Resolves once discovery has finished (it runs once; later calls share it). */
  ready(): Promise<void> {
    this.discovery ??= this.discover();
    return this.discovery;
  }

  list(): DeviceInfo[] {
    return [...this.devices];
  }

  usable(): DeviceInfo[] {
    return this.devices.filter((d) => d.usable);
  }

  get(id: string): DeviceInfo | undefined {
    return this.devices.find((d) => d.id === id);
  }

  /** Every EP considered, with its probe result or why it was not probed. */
  executionProviders(): ExecutionProviderStatus[] {
    return [...this.providers];
  }

  private async discover(): Promise<void> {
    const host = this.platform.read();
    const [cpuFacts, nvidia, backends, accel, fastRpc] = await Promise.all([
      this.cpu.read().catch((err: Error) => err),
      this.queryNvidia(),
      this.backends.list().catch((err: Error) => {
        this.logger.error(`onnxruntime-node could not list its backends: ${err.message}`);
        return [];
      }),
      this.npus.accelDevices(),
      this.npus.fastRpcNodes(),
    ]);
    if (cpuFacts instanceof Error) this.logger.warn(`systeminformation could not read the CPU: ${cpuFacts.message}`);
    const plan = planExecutionProviders(host, backends, nvidia);
    this.providers = deepFreeze(
      await Promise.all(plan.map(async (s) => (s.applicable ? { ...s, probe: await this.prober.probe(s.ep, s.deviceId) } : s))),
    );
    const drafts = [
      buildCpuDevice(cpuFacts, [...this.providers]),
      ...buildGpuDevices(nvidia, [...this.providers]),
      ...buildNpuDevices(host, accel, fastRpc, [...this.providers]),
    ];
    const { disabled, costWeights } = this.config.devices;
    const remote = buildRemoteDevices(this.config.devices.remote, disabled, costWeights);
    this.devices = deepFreeze([...finalizeDevices(drafts, disabled, costWeights), ...remote]);
    this.report(disabled, costWeights);
  }

  private async queryNvidia(): Promise<NvidiaGpuStatus[]> {
    try {
      return await this.nvidia.query();
    } catch (err) {
      this.logger.warn(`nvidia-smi failed, no NVIDIA GPU listed: ${(err as Error).message}`);
      return [];
    }
  }

  private report(disabled: string[], costWeights: Record<string, number>): void {
    this.logger.log(`execution providers:\n${formatProviderTable([...this.providers])}`);
    this.logger.log(`devices (${this.usable().length} usable of ${this.devices.length}):\n${formatDeviceTable([...this.devices])}`);
    for (const id of unknownDeviceIds([...this.devices], disabled, costWeights)) {
      this.logger.warn(`config names device "${id}", which this host does not have`);
    }
    const webgpu = this.providers.find((s) => s.ep === 'webgpu');
    if (webgpu?.applicable && !webgpu.probe?.ok) {
      this.logger.warn('no WebGPU adapter: install a Vulkan driver (scripts/install-lavapipe.sh for a software one); see docs/devices.md');
    }
    if (this.usable().length === 0) this.logger.error('no usable device: every inference request will fail');
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
