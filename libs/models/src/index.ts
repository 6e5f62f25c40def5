export * from './interfaces/model-config.interface';
export * from './demo/demo-models';
export * from './demo/seeded-random';
export * from './demo/write-demo-models';
export * from './interfaces/served-model.interface';
