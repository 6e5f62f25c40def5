import type { DeviceInfo } from '@switchyard/devices';
import type { DevicePool, InferenceTask, PoolStats, TaskResult } from '@switchyard/runtime';

/**
 * A device pool whose tasks never finish: the dispatcher in front of it keeps its slots busy and
 * its queues full, the state a decision is timed in. No model runs (the bench times the
 * scheduler's side only).
 */
export class HeldPool implements DevicePool {
  private held = 0;

  constructor(
    readonly device: DeviceInfo,
    readonly capacity: number,
  ) {}

  async start(): Promise<void> {}
  async loadModel(): Promise<never> {
    throw new Error('HeldPool loads no model');
  }
  async unloadModel(): Promise<void> {}
  async close(): Promise<void> {}

  get inFlight(): number {
    return this.held;
  }

  run(_task: InferenceTask): Promise<TaskResult> {
    this.held++;
    return new Promise<TaskResult>(() => undefined);
  }

  stats(): PoolStats {
    return {
      deviceId: this.device.id,
      workers: this.capacity,
      capacity: this.capacity,
      inFlight: this.held,
      completed: 0,
      failed: 0,
      restarts: 0,
      isolation: 'thread',
    };
  }
}
