import { Module } from '@nestjs/common';
import { DevicesModule } from '@switchyard/devices';
import { DevicePoolFactory } from './pools/device-pool.factory';
import { RuntimeService } from './runtime.service';
import { TensorMemoryService } from './memory/tensor-memory.service';

@Module({
  imports: [DevicesModule],
  providers: [DevicePoolFactory, TensorMemoryService, RuntimeService],
  exports: [RuntimeService, TensorMemoryService],
})
export class RuntimeModule {}
