import { Module } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { ModelsModule } from '@switchyard/models';
import { FeedbackController } from './controllers/feedback.controller';
import { RolloutsController } from './controllers/rollouts.controller';
import { FeedbackService } from './feedback/feedback.service';
import type { RolloutStore } from './interfaces/rollout-store.interface';
import { RolloutService } from './rollout.service';
import { ROLLOUT_STORE } from './rollouts.tokens';
import { FileRolloutStore } from './store/file-rollout-store.adapter';
import { RedisRolloutStore } from './store/redis-rollout-store.adapter';

/**
 * Safe rollouts of model versions: canary and shadow with automatic rollback and promotion, and
 * feedback accuracy. Inference asks RolloutService where unpinned requests go. Rollouts live in
 * Redis when SWITCHYARD_REDIS_URL is set (the jobs' Redis and key prefix: the same on every node),
 * else in SWITCHYARD_DATA_DIR/rollouts.json (one node).
 */
@Module({
  imports: [ModelsModule],
  controllers: [RolloutsController, FeedbackController],
  providers: [
    {
      provide: ROLLOUT_STORE,
      inject: [SWITCHYARD_CONFIG],
      useFactory: (config: SwitchyardConfig): RolloutStore =>
        config.redis.url ? new RedisRolloutStore(config.redis.url, config.jobs.prefix) : new FileRolloutStore(config.dataDir),
    },
    RolloutService,
    FeedbackService,
  ],
  exports: [RolloutService, FeedbackService],
})
export class RolloutsModule {}
