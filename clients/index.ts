export * from './switchyard-client';
export * from './switchyard-stream-client';
export * from './http-transport';
export * from './infer-codec';
export * from './jobs-types';
export * from './retry-policy';
export * from './tensor-types';
