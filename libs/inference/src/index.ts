// The inference lib's public API: the module and the HTTP set-up the app wires, the services the
// jobs path runs requests through, the error mapping, and the wire contract (DTOs, results).
// Codecs, validators, parsers and filters are internals (benchmarks reach the codecs through
// @switchyard/inference/testing).
export * from './inference.module';
export * from './inference.constants';
export * from './server-version';
export * from './http/configure-inference-http';
export * from './http/inflight-bytes.gate';
export { INFER_ROUTES } from './http/infer-routes';
export * from './filters/error-response';
export * from './services/inference.service';
export * from './services/ceil-priority';
export * from './services/request-decoder.service';
export * from './services/response-encoder.service';
export * from './services/server-status.service';
export * from './statistics/model-statistics.service';
export * from './statistics/model-statistics.dto';
export * from './statistics/select-served-versions';
export * from './validation/read-load-parameters';
export * from './interfaces/infer-result.interface';
export * from './interfaces/validated-infer-request.interface';
export * from './dto/infer-request.dto';
export * from './dto/infer-response.dto';
export * from './dto/model-metadata.dto';
