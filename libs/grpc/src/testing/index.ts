export * from './grpc-inference.client';
