import { Module } from '@nestjs/common';
import { InferController } from './controllers/infer.controller';
import { ModelsController } from './controllers/models.controller';
import { RepositoryController } from './controllers/repository.controller';
import { ServerController } from './controllers/server.controller';
import { InferenceService } from './services/inference.service';

/**
 * The Open Inference Protocol v2 REST API. Needs ModelRepositoryService and SchedulerService
 * from the app (their modules export them), and configureInferenceHttp() on the app for the body
 * parsers and the exception filter.
 */
@Module({
  controllers: [ServerController, ModelsController, InferController, RepositoryController],
  providers: [InferenceService],
  exports: [InferenceService],
})
export class InferenceModule {}
