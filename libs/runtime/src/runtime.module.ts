import { Module } from '@nestjs/common';
import { DevicesModule } from '@switchyard/devices';
import { DevicePoolFactory } from './pools/device-pool.factory';
import { RuntimeService } from './runtime.service';

@Module({
  imports: [DevicesModule],
  providers: [DevicePoolFactory, RuntimeService],
  exports: [RuntimeService],
})
export class RuntimeModule {}
