export * from './grpc.module';
export * from './grpc-server.service';
export * from './guard/grpc-call.guard';
export * from './errors/grpc-status.map';
export * from './proto/inference-proto';
export * from './interfaces/grpc-messages.interface';
