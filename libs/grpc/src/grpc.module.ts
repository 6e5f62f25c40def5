import { Module } from '@nestjs/common';
import { InferenceModule } from '@switchyard/inference';
import { ModelsModule } from '@switchyard/models';
import { GrpcCallGuard } from './guard/grpc-call.guard';
import { GrpcInferenceHandlers } from './handlers/grpc-inference.handlers';
import { GrpcServerService } from './grpc-server.service';

/**
 * The Open Inference Protocol's gRPC endpoint (inference.GRPCInferenceService) over the same
 * services as the /v2 REST API. The app starts it with GrpcServerService.listen(). Every call
 * passes GrpcCallGuard: the same keys, scopes and limits as HTTP (AccessControl).
 */
@Module({
  imports: [InferenceModule, ModelsModule],
  providers: [GrpcInferenceHandlers, GrpcServerService, GrpcCallGuard],
  exports: [GrpcServerService],
})
export class GrpcModule {}
