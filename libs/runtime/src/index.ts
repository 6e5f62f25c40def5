export * from './interfaces/device-pool.interface';
export * from './interfaces/inference-task.interface';
