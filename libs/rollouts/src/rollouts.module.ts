import { Module } from '@nestjs/common';
import { ModelsModule } from '@switchyard/models';
import { FeedbackController } from './controllers/feedback.controller';
import { RolloutsController } from './controllers/rollouts.controller';
import { FeedbackService } from './feedback/feedback.service';
import { RolloutService } from './rollout.service';
import { RolloutStoreAdapter } from './store/rollout-store.adapter';

/**
 * Safe rollouts of model versions: canary and shadow with automatic rollback and promotion, and
 * feedback accuracy. Inference asks RolloutService where unpinned requests go.
 */
@Module({
  imports: [ModelsModule],
  controllers: [RolloutsController, FeedbackController],
  providers: [RolloutStoreAdapter, RolloutService, FeedbackService],
  exports: [RolloutService, FeedbackService],
})
export class RolloutsModule {}
