import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { SwitchyardEventMap, SwitchyardEventName } from './event-map.interface';

/** A typed, in-process event bus (one per app). */
@Injectable()
export class SwitchyardEvents {
  private readonly emitter = new EventEmitter({ captureRejections: false });

  constructor() {
    this.emitter.setMaxListeners(50);
  }

  emit<K extends SwitchyardEventName>(name: K, payload: SwitchyardEventMap[K]): void {
    if (this.emitter.listenerCount(name) > 0) this.emitter.emit(name, payload);
  }

  on<K extends SwitchyardEventName>(name: K, listener: (payload: SwitchyardEventMap[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
