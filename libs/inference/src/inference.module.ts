import { Module } from '@nestjs/common';
import { ModelsModule } from '@switchyard/models';
import { SchedulerModule } from '@switchyard/scheduler';
import { InferController } from './controllers/infer.controller';
import { ModelsController } from './controllers/models.controller';
import { RepositoryController } from './controllers/repository.controller';
import { ServerController } from './controllers/server.controller';
import { CodecPoolService } from './codec/worker/codec-pool.service';
import { InferenceService } from './services/inference.service';
import { RequestDecoderService } from './services/request-decoder.service';
import { ResponseEncoderService } from './services/response-encoder.service';

/**
 * The Open Inference Protocol v2 REST API over the model repository and the scheduler. The app
 * must also call configureInferenceHttp() (body parsers, body limit, the exception filter).
 */
@Module({
  imports: [ModelsModule, SchedulerModule],
  controllers: [ServerController, ModelsController, InferController, RepositoryController],
  providers: [CodecPoolService, RequestDecoderService, ResponseEncoderService, InferenceService],
  exports: [InferenceService, RequestDecoderService, ResponseEncoderService],
})
export class InferenceModule {}
