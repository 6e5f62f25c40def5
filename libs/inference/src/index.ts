// The inference lib's public API: the module and the HTTP set-up the app wires, the services the
// jobs path runs requests through, the error mapping, and the wire contract (DTOs, results).
// Codecs, validators, parsers and filters are internals (benchmarks reach the codecs through
// @switchyard/inference/testing).
export * from './inference.module';
export * from './inference.constants';
export * from './http/configure-inference-http';
export * from './filters/error-response';
export * from './services/inference.service';
export * from './services/request-decoder.service';
export * from './services/response-encoder.service';
export * from './interfaces/infer-result.interface';
export * from './interfaces/validated-infer-request.interface';
export * from './dto/infer-request.dto';
export * from './dto/infer-response.dto';
export * from './dto/model-metadata.dto';
