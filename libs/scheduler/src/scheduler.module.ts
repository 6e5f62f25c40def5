import { Module } from '@nestjs/common';
import { ModelsModule } from '@switchyard/models';
import { CalibrationService } from './calibration/calibration.service';
import { HostFactsAdapter } from './calibration/host-facts.adapter';
import { ProfileStoreAdapter } from './calibration/profile-store.adapter';
import { SCHEDULER_CLOCK } from './dispatch/clock.interface';
import { SystemClock } from './dispatch/system-clock';
import { EwmaServiceTimeEstimator } from './estimator/ewma-service-time-estimator';
import { SchedulingFramework } from './framework/scheduling-framework';
import { PolicyRegistry } from './policies/policy-registry';
import { policyRegistryProvider, schedulingPoliciesProvider } from './policies/policy-registry.provider';
import { SchedulerController } from './scheduler.controller';
import { SchedulerService } from './scheduler.service';
import { DeviceProber } from './health/device-prober';

/**
 * Scheduling: policies (SCHEDULING_POLICIES -> PolicyRegistry), the performance model, start-up
 * calibration, per-device dispatch queues with dynamic batching, and GET /v1/scheduler.
 * Needs the global CommonModule (events) and SwitchyardConfigModule (config).
 */
@Module({
  imports: [ModelsModule],
  controllers: [SchedulerController],
  providers: [
    schedulingPoliciesProvider,
    policyRegistryProvider,
    { provide: SchedulingFramework, useFactory: () => new SchedulingFramework() },
    { provide: EwmaServiceTimeEstimator, useFactory: () => new EwmaServiceTimeEstimator() },
    { provide: SCHEDULER_CLOCK, useClass: SystemClock },
    HostFactsAdapter,
    ProfileStoreAdapter,
    CalibrationService,
    DeviceProber,
    SchedulerService,
  ],
  exports: [SchedulerService, CalibrationService, EwmaServiceTimeEstimator, PolicyRegistry],
})
export class SchedulerModule {}
