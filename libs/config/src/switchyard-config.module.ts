import { DynamicModule, Global, Module } from '@nestjs/common';
import { SWITCHYARD_CONFIG } from './config.tokens';
import { loadConfig } from './load-config';
import type { SwitchyardConfig } from './switchyard-config.interface';

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

  /** Provides a config already loaded (the bootstrap loads it once, before the app exists). */
  static forConfig(config: SwitchyardConfig): DynamicModule {
    return {
      module: SwitchyardConfigModule,
      providers: [{ provide: SWITCHYARD_CONFIG, useValue: config }],
      exports: [SWITCHYARD_CONFIG],
    };
  }
}
