import { DynamicModule, Global, Module } from '@nestjs/common';
import { SWITCHYARD_CONFIG } from './config.tokens';
import { loadConfig } from './load-config';

/** Provides the validated config under SWITCHYARD_CONFIG; overrides win over the environment. */
@Global()
@Module({})
export class SwitchyardConfigModule {
  static forRoot(overrides: Record<string, string | number | boolean> = {}): DynamicModule {
    return {
      module: SwitchyardConfigModule,
      providers: [{ provide: SWITCHYARD_CONFIG, useFactory: () => loadConfig(process.env, overrides) }],
      exports: [SWITCHYARD_CONFIG],
    };
  }
}
