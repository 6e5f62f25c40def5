import { Global, Module } from '@nestjs/common';
import { CommonModule } from '@switchyard/common';
import { CpuInfoAdapter } from './adapters/cpu-info.adapter';
import { ExecutionProviderProbeAdapter } from './adapters/execution-provider-probe.adapter';
import { HostPlatformAdapter } from './adapters/host-platform.adapter';
import { NpuSysfsAdapter } from './adapters/npu-sysfs.adapter';
import { NvidiaSmiAdapter } from './adapters/nvidia-smi.adapter';
import { OrtBackendsAdapter } from './adapters/ort-backends.adapter';
import { DeviceInventoryService } from './device-inventory.service';
import { DevicesController } from './devices.controller';
import { DeviceHealthService } from './health/device-health.service';
import { DeviceModelStatusService } from './models/device-model-status.service';

/**
 * Device discovery. Global, so that its inventory (discovered in onModuleInit, which Nest runs
 * for global modules first and awaits) is ready before any module that uses it initialises.
 * Needs SWITCHYARD_CONFIG (SwitchyardConfigModule.forRoot()).
 */
@Global()
@Module({
  imports: [CommonModule],
  controllers: [DevicesController],
  providers: [
    DeviceInventoryService,
    CpuInfoAdapter,
    NvidiaSmiAdapter,
    OrtBackendsAdapter,
    ExecutionProviderProbeAdapter,
    NpuSysfsAdapter,
    HostPlatformAdapter,
    DeviceHealthService,
    DeviceModelStatusService,
  ],
  exports: [DeviceInventoryService, NvidiaSmiAdapter, DeviceHealthService, DeviceModelStatusService],
})
export class DevicesModule {}
