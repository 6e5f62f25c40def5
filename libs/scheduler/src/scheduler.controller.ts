import { Controller, Get, Inject } from '@nestjs/common';
import { Scope } from '@switchyard/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { RuntimeService } from '@switchyard/runtime';
import { CalibrationService } from './calibration/calibration.service';
import type { SchedulerStatusDto } from './dispatch/scheduler-status.dto';
import { EwmaServiceTimeEstimator } from './estimator/ewma-service-time-estimator';
import { PolicyRegistry } from './policies/policy-registry';
import { SchedulerService } from './scheduler.service';

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** What the scheduler knows and did: policies, estimates, queues, calibration, recent decisions. */
@Controller('v1/scheduler')
@Scope('admin')
export class SchedulerController {
  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly scheduler: SchedulerService,
    private readonly runtime: RuntimeService,
    private readonly policies: PolicyRegistry,
    private readonly estimator: EwmaServiceTimeEstimator,
    private readonly calibration: CalibrationService,
  ) {}

  @Get()
  status(): SchedulerStatusDto {
    const queues = new Map(this.scheduler.queues().map((q) => [q.deviceId, q]));
    return {
      policy: { default: this.config.scheduler.policy, available: this.policies.names() },
      devices: this.runtime.pools().map((pool) => ({
        ...queues.get(pool.device.id)!,
        kind: pool.device.kind,
        costWeight: pool.device.costWeight,
        pool: pool.stats(),
      })),
      estimates: this.estimator.toJSON().curves.map((c) => ({
        model: c.modelKey,
        deviceId: c.deviceId,
        points: c.points.map((p) => ({ batchSize: round(p.batchSize), ms: round(p.ms), samples: p.samples })),
      })),
      calibration: this.calibration.state(),
      recentDecisions: this.scheduler.recentDecisions(),
    };
  }
}
