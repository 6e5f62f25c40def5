// Runtime internals for specs, e2e tests and benchmarks (@switchyard/runtime/testing): not part of
// the production barrel.
export * from '../memory/buffer-pool';
export * from '../pools/piscina-device-pool';
export * from '../pools/pool-sizing';
export * from '../worker/wire-conversion';
