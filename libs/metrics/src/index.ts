export * from './metrics.module';
export * from './interfaces/metrics-sources.interface';
export * from './interfaces/metrics-module-options.interface';
export * from './interfaces/host-telemetry.interface';
export * from './interfaces/gpu-telemetry-source.interface';
export * from './interfaces/device-telemetry.interface';
export * from './interfaces/stats-snapshot.interface';
