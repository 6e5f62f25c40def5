export * from './interfaces/device.interface';
export * from './interfaces/nvidia-gpu-status.interface';
export * from './interfaces/execution-provider-status.interface';
export * from './adapters/nvidia-smi.adapter';
export * from './device-inventory.service';
export * from './devices.module';
export * from './dto/devices-response.dto';
