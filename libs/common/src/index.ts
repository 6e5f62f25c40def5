export * from './tensors/tensor-data-type';
export * from './tensors/wire-tensor.interface';
export * from './errors/switchyard.error';
export * from './errors/http-errors';
export * from './events/event-map.interface';
export * from './events/switchyard-events';
export * from './common.module';
export * from './onnx/onnx-graph-builder';
