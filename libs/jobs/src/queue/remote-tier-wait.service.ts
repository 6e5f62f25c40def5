import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SwitchyardEvents } from '@switchyard/common';

interface Waiter {
  priority: number;
  submittedAt: number;
  release: () => void;
  timer: NodeJS.Timeout;
}

/**
 * Where durable jobs routed to a remote tier wait while it is unreachable (offline sync): each
 * wait ends after its pause, or at once when the device turns healthy again; then the waiters
 * are released by priority (1 first), oldest first within a priority, so they reach the
 * scheduler in that order. See docs/remote-tier.md, "Offline sync".
 */
@Injectable()
export class RemoteTierWaitService implements OnModuleDestroy {
  private readonly waiting = new Map<string, Set<Waiter>>();
  private readonly off: () => void;

  constructor(events: SwitchyardEvents) {
    this.off = events.on('device.health', ({ deviceId, to }) => {
      if (to === 'healthy') this.releaseAll(deviceId);
    });
  }

  /** Jobs waiting for `deviceId` now. */
  count(deviceId: string): number {
    return this.waiting.get(deviceId)?.size ?? 0;
  }

  /** Resolves after `pauseMs`, or when `deviceId` turns healthy (by priority among the waiters). */
  wait(deviceId: string, priority: number, submittedAt: number, pauseMs: number): Promise<void> {
    let set = this.waiting.get(deviceId);
    if (!set) this.waiting.set(deviceId, (set = new Set()));
    const waiters = set;
    return new Promise((resolve) => {
      const waiter: Waiter = {
        priority,
        submittedAt,
        release: () => {
          clearTimeout(waiter.timer);
          waiters.delete(waiter);
          resolve();
        },
        timer: setTimeout(() => waiter.release(), Math.max(0, pauseMs)),
      };
      waiters.add(waiter);
    });
  }

  onModuleDestroy(): void {
    this.off();
    for (const id of this.waiting.keys()) this.releaseAll(id);
  }

  private releaseAll(deviceId: string): void {
    const set = this.waiting.get(deviceId);
    if (!set) return;
    const order = [...set].sort((a, b) => a.priority - b.priority || a.submittedAt - b.submittedAt);
    for (const w of order) w.release();
  }
}
