import { Inject, Injectable } from '@nestjs/common';
import { availableParallelism } from 'node:os';
import { SwitchyardEvents } from '@switchyard/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import type { DeviceInfo } from '@switchyard/devices';
import type { DevicePool } from '../interfaces/device-pool.interface';
import type { BufferPool } from '../memory/buffer-pool';
import { PiscinaDevicePool, type PiscinaPoolOptions } from './piscina-device-pool';
import { poolSizing } from './pool-sizing';
import { ProcessDevicePool } from './process-device-pool';
import { RemoteDevicePool } from './remote/remote-device-pool';

/** Builds each device's pool: sized for the device, in threads or a child process per config. */
@Injectable()
export class DevicePoolFactory {
  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly events: SwitchyardEvents,
  ) {}

  create(device: DeviceInfo, buffers: BufferPool): DevicePool {
    if (device.kind === 'remote') return this.remote(device);
    const sizing = poolSizing(device, this.config.devices, availableParallelism());
    const options: PiscinaPoolOptions = {
      device,
      ...sizing,
      providerOptions: providerOptionsFor(device),
      buffers,
      onWorkerRestart: (workerId, reason) => this.events.emit('worker.restarted', { deviceId: device.id, workerId, reason }),
    };
    return this.config.devices.isolation[device.kind] === 'process'
      ? new ProcessDevicePool({ ...options, restartBackoffMs: this.config.devices.poolRestartBackoffMs })
      : new PiscinaDevicePool(options);
  }

  private remote(device: DeviceInfo): DevicePool {
    const remote = this.config.devices.remote.find((r) => `remote:${r.name}` === device.id);
    if (!remote) throw new Error(`${device.id} is not in SWITCHYARD_REMOTE_DEVICES`);
    return new RemoteDevicePool(device, remote);
  }
}

/** EP options that pin a session to its physical device (CUDA/TensorRT device ordinal). */
function providerOptionsFor(device: DeviceInfo): Record<string, unknown> {
  const ordinal = device.details['ordinal'];
  if ((device.executionProvider === 'cuda' || device.executionProvider === 'tensorrt') && typeof ordinal === 'number') {
    return { deviceId: ordinal };
  }
  return {};
}
