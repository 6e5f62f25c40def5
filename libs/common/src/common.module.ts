import { Global, Module } from '@nestjs/common';
import { SwitchyardEvents } from './events/switchyard-events';
import { ServingState } from './lifecycle/serving-state';

@Global()
@Module({ providers: [SwitchyardEvents, ServingState], exports: [SwitchyardEvents, ServingState] })
export class CommonModule {}
