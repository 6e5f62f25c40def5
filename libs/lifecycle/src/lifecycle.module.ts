import { Module } from '@nestjs/common';
import { SchedulerModule } from '@switchyard/scheduler';
import { DrainService } from './drain.service';

/**
 * The server's life after start-up: the graceful drain on SIGTERM (DrainService). Needs the
 * global CommonModule (ServingState) and SwitchyardConfigModule; uses the jobs consumer when the
 * app has one.
 */
@Module({
  imports: [SchedulerModule],
  providers: [DrainService],
  exports: [DrainService],
})
export class LifecycleModule {}
