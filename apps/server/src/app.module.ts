import { DynamicModule, Module } from '@nestjs/common';
import { CommonModule } from '@switchyard/common';
import { SwitchyardConfigModule, type SwitchyardConfig } from '@switchyard/config';
import { DevicesModule } from '@switchyard/devices';
import { InferenceModule } from '@switchyard/inference';
import { JobsModule } from '@switchyard/jobs';
import { LifecycleModule } from '@switchyard/lifecycle';
import { MetricsModule } from '@switchyard/metrics';
import { ModelsModule } from '@switchyard/models';
import { OpenApiModule } from '@switchyard/openapi';
import { SchedulerModule } from '@switchyard/scheduler';

/** The server: wiring only; every behaviour lives in libs/. */
@Module({})
export class AppModule {
  static forConfig(config: SwitchyardConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SwitchyardConfigModule.forConfig(config),
        CommonModule,
        DevicesModule,
        ModelsModule,
        SchedulerModule,
        InferenceModule,
        MetricsModule.forRoot(),
        JobsModule.forConfig(config),
        LifecycleModule,
        OpenApiModule,
      ],
    };
  }
}
