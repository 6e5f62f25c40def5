import { Module } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { ModelsModule } from '@switchyard/models';
import { RolloutsModule } from '@switchyard/rollouts';
import { SchedulerModule } from '@switchyard/scheduler';
import { ModelsController } from './controllers/models.controller';
import { RepositoryController } from './controllers/repository.controller';
import { ServerController } from './controllers/server.controller';
import { StatisticsController } from './controllers/statistics.controller';
import { ModelStatisticsService } from './statistics/model-statistics.service';
import { CodecPoolService } from './codec/worker/codec-pool.service';
import { InferRoutes } from './http/infer-routes';
import { InflightBytesGate } from './http/inflight-bytes.gate';
import { InferenceService } from './services/inference.service';
import { RequestDecoderService } from './services/request-decoder.service';
import { ResponseEncoderService } from './services/response-encoder.service';
import { ServerStatusService } from './services/server-status.service';

/**
 * The Open Inference Protocol v2 REST API over the model repository and the scheduler. The app
 * must also call configureInferenceHttp() (body parsers, body limit, the exception filter).
 */
@Module({
  imports: [ModelsModule, SchedulerModule, RolloutsModule],
  controllers: [ServerController, StatisticsController, ModelsController, RepositoryController],
  providers: [
    // POST /v2/models/{m}[/versions/{v}]/infer, on Fastify directly (the hot path: see InferRoutes)
    InferRoutes,
    CodecPoolService,
    RequestDecoderService,
    ResponseEncoderService,
    InferenceService,
    ModelStatisticsService,
    ServerStatusService,
    // request bytes held at once, for HTTP bodies and gRPC messages alike (SWITCHYARD_MAX_INFLIGHT_BYTES)
    {
      provide: InflightBytesGate,
      useFactory: (config: SwitchyardConfig) => new InflightBytesGate(config.http.maxInflightBytes),
      inject: [SWITCHYARD_CONFIG],
    },
  ],
  exports: [
    InferenceService,
    RequestDecoderService,
    ResponseEncoderService,
    ModelStatisticsService,
    ServerStatusService,
    InflightBytesGate,
  ],
})
export class InferenceModule {}
