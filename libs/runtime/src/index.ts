// The runtime's public API: the module, its services, the pool contract and the errors a run can
// end with. Pool implementations, the buffer pool and the wire conversion are internals (specs and
// benchmarks reach them through @switchyard/runtime/testing).
export * from './interfaces/device-pool.interface';
export * from './interfaces/inference-task.interface';
export * from './errors/worker-died.error';
export * from './errors/run-aborted.error';
export * from './abort/run-abort';
export * from './worker/transfer-threshold';
export * from './memory/tensor-memory.service';
export * from './runtime.service';
export * from './runtime.module';
export * from './pools/remote/remote-device-pool';
export * from './errors/remote-unanswered.error';
