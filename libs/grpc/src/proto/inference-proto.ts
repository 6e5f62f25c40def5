import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadPackageDefinition, type GrpcObject, type ServiceClientConstructor, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';

const PROTO_FILE = join('libs', 'grpc', 'proto', 'grpc_service.proto');

/**
 * How messages cross into JS, for the server and the test/bench client alike: field names as in
 * the .proto (snake_case, like the HTTP JSON), 64-bit integers as numbers (shapes, parameters,
 * statistics; INT64 tensor data beyond 2^53 travels raw), bytes as Buffers, every field present.
 */
export const PROTO_LOADER_OPTIONS: Options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true };

/** The committed .proto: found in the source tree above the compiled file (tsc does not copy it). */
export function findInferenceProto(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, PROTO_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`the gRPC protocol file (${PROTO_FILE}) was not found above ${from}`);
  }
}

/** inference.GRPCInferenceService, loaded from the .proto at run time. */
export function loadInferenceService(): ServiceClientConstructor {
  const definition = loadPackageDefinition(loadSync(findInferenceProto(), PROTO_LOADER_OPTIONS));
  return (definition.inference as GrpcObject).GRPCInferenceService as ServiceClientConstructor;
}

/** The service's method table, for Server.addService. */
export function inferenceServiceDefinition(): ServiceDefinition {
  return loadInferenceService().service;
}
