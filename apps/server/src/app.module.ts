import { DynamicModule, Module } from '@nestjs/common';
import { ClusterModule } from '@switchyard/cluster';
import { CommonModule } from '@switchyard/common';
import { SwitchyardConfigModule, type SwitchyardConfig } from '@switchyard/config';
import { DevicesModule } from '@switchyard/devices';
import { GrpcModule } from '@switchyard/grpc';
import { InferenceModule } from '@switchyard/inference';
import { JobsModule } from '@switchyard/jobs';
import { LifecycleModule } from '@switchyard/lifecycle';
import { MetricsModule } from '@switchyard/metrics';
import { ModelsModule } from '@switchyard/models';
import { OpenApiModule } from '@switchyard/openapi';
import { SchedulerModule } from '@switchyard/scheduler';
import { SecurityModule } from '@switchyard/security';

/** The server: wiring only; every behaviour lives in libs/. */
@Module({})
export class AppModule {
  static forConfig(config: SwitchyardConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SwitchyardConfigModule.forConfig(config),
        CommonModule,
        SecurityModule,
        DevicesModule,
        ModelsModule,
        SchedulerModule,
        ClusterModule,
        InferenceModule,
        GrpcModule,
        MetricsModule.forRoot(),
        JobsModule.forConfig(config),
        LifecycleModule,
        OpenApiModule,
      ],
    };
  }
}
