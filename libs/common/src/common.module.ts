import { Global, Module } from '@nestjs/common';
import { SwitchyardEvents } from './events/switchyard-events';

@Global()
@Module({ providers: [SwitchyardEvents], exports: [SwitchyardEvents] })
export class CommonModule {}
