// Inference internals for specs and benchmarks (@switchyard/inference/testing): not part of the
// production barrel.
export * from '../codec/fp16';
export * from '../codec/tensor-json.encoder';
export * from '../codec/typed-views';
export * from '../filters/switchyard-exception.filter';
