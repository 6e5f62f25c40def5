export * from './switchyard-config.interface';
export * from './config.tokens';
export * from './load-config';
export * from './switchyard-config.module';
export * from './errors/config-validation.error';
export * from './remote-devices';
export * from './tls/read-tls-files';
