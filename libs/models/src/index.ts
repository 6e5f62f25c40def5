export * from './interfaces/model-config.interface';
export * from './demo/demo-models';
export * from './demo/write-demo-models';
export * from './interfaces/served-model.interface';
export * from './model-repository.service';
export * from './models.module';
export * from './errors/model-load.error';
export * from './interfaces/readiness-gate.interface';
