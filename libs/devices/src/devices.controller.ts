import { Controller, Get } from '@nestjs/common';
import { DeviceInventoryService } from './device-inventory.service';
import type { DevicesResponseDto } from './dto/devices-response.dto';

@Controller('v1/devices')
export class DevicesController {
  constructor(private readonly inventory: DeviceInventoryService) {}

  /** The device inventory, and every execution provider considered with its probe outcome. */
  @Get()
  list(): DevicesResponseDto {
    return { devices: this.inventory.list(), executionProviders: this.inventory.executionProviders() };
  }
}
