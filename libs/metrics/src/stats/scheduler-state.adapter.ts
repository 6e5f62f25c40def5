import { Inject, Injectable } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { SchedulerService } from '@switchyard/scheduler';
import type { SchedulerStateSource } from '../interfaces/metrics-sources.interface';
import type { DecisionView } from '../interfaces/stats-snapshot.interface';

/** Reads the scheduler's queues and decision log for metrics and the status page. */
@Injectable()
export class SchedulerStateAdapter implements SchedulerStateSource {
  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly scheduler: SchedulerService,
  ) {}

  queueDepths(): ReadonlyMap<string, number> {
    return new Map(this.scheduler.queues().map((q) => [q.deviceId, q.queuedJobs]));
  }

  policy(): string {
    return this.config.scheduler.policy;
  }

  recentDecisions(): DecisionView[] {
    return this.scheduler.recentDecisions().map((d) => ({
      at: Date.parse(d.at),
      policy: d.policy,
      model: d.model,
      deviceId: d.deviceId,
      predictedMs: d.predictedMs ?? null,
      decisionUs: d.decisionUs,
      batchSize: d.batchSize,
      outcome: d.outcome,
      actualMs: d.actualMs ?? null,
    }));
  }
}
