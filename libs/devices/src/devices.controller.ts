import { Controller, Get } from '@nestjs/common';
import { Scope } from '@switchyard/common';
import { DeviceInventoryService } from './device-inventory.service';
import type { DevicesResponseDto } from './dto/devices-response.dto';
import { DeviceHealthService } from './health/device-health.service';
import { DeviceModelStatusService } from './models/device-model-status.service';

@Controller('v1/devices')
@Scope('admin')
export class DevicesController {
  constructor(
    private readonly inventory: DeviceInventoryService,
    private readonly health: DeviceHealthService,
    private readonly models: DeviceModelStatusService,
  ) {}

  /** The device inventory with each usable device's health, and every execution provider considered with its probe outcome. */
  @Get()
  list(): DevicesResponseDto {
    const devices = this.inventory.list().map((d) => {
      if (!d.usable) return d;
      return { ...d, health: this.health.get(d.id), ...(d.kind === 'remote' ? { models: this.models.of(d.id) } : {}) };
    });
    return { devices, executionProviders: this.inventory.executionProviders() };
  }
}
