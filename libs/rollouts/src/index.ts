export * from './interfaces/rollout-spec.interface';
export * from './interfaces/rollout-state.interface';
export * from './analysis/route-request';
export * from './feedback/answer-labels';
export * from './feedback/feedback.service';
export * from './rollout.service';
export * from './rollouts.module';
