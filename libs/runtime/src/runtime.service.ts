import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DeviceInventoryService } from '@switchyard/devices';
import type { DevicePool } from './interfaces/device-pool.interface';
import { TensorMemoryService } from './memory/tensor-memory.service';
import { DevicePoolFactory } from './pools/device-pool.factory';

/** Owns one worker pool per usable device, for the life of the app. */
@Injectable()
export class RuntimeService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RuntimeService.name);
  private readonly byDevice = new Map<string, DevicePool>();
  constructor(
    private readonly inventory: DeviceInventoryService,
    private readonly factory: DevicePoolFactory,
    private readonly memory: TensorMemoryService,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const device of this.inventory.usable()) {
      const pool = this.factory.create(device, this.memory);
      try {
        await pool.start();
        this.byDevice.set(device.id, pool);
        const s = pool.stats();
        this.logger.log(
          `${device.id}: capacity ${s.capacity} task(s) on ${s.workers} worker(s), ${s.isolation} isolation, EP ${device.executionProvider}`,
        );
      } catch (err) {
        this.logger.error(`${device.id}: its pool failed to start and the device is left out: ${(err as Error).message}`);
      }
    }
  }

  pools(): DevicePool[] {
    return [...this.byDevice.values()];
  }

  pool(deviceId: string): DevicePool | undefined {
    return this.byDevice.get(deviceId);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.pools().map((p) => p.close()));
    this.byDevice.clear();
  }
}
