export * from './interfaces/device.interface';
