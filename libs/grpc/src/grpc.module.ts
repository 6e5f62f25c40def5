import { Module } from '@nestjs/common';
import { InferenceModule } from '@switchyard/inference';
import { ModelsModule } from '@switchyard/models';
import { GRPC_CALL_GUARD, OpenGrpcCallGuard } from './guard/grpc-call.guard';
import { GrpcInferenceHandlers } from './handlers/grpc-inference.handlers';
import { GrpcServerService } from './grpc-server.service';

/**
 * The Open Inference Protocol's gRPC endpoint (inference.GRPCInferenceService) over the same
 * services as the /v2 REST API. The app starts it with GrpcServerService.listen(). Every call
 * passes the provider bound to GRPC_CALL_GUARD (open by default).
 */
@Module({
  imports: [InferenceModule, ModelsModule],
  providers: [GrpcInferenceHandlers, GrpcServerService, { provide: GRPC_CALL_GUARD, useClass: OpenGrpcCallGuard }],
  exports: [GrpcServerService],
})
export class GrpcModule {}
