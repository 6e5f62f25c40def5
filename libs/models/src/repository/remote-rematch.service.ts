import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ModelRepositoryService } from '../model-repository.service';
import { ModelPinner } from './model-pinner';

/** How often remote tiers that did not answer a model's match are asked again, ms. */
export const REMOTE_REMATCH_INTERVAL_MS = 5000;

/**
 * A remote tier down when a model was loaded (the node started first, or the link was cut) is
 * matched once it answers: every few seconds the pinner asks it again (docs/remote-tier.md).
 */
@Injectable()
export class RemoteRematchService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly repository: ModelRepositoryService,
    private readonly pinner: ModelPinner,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), REMOTE_REMATCH_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const model of this.repository.list()) await this.pinner.rematch(model);
    } finally {
      this.running = false;
    }
  }
}
