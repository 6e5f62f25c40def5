import { Injectable } from '@nestjs/common';
import si from 'systeminformation';
import type { HostTelemetry, HostTelemetrySource } from '../interfaces/host-telemetry.interface';

/**
 * Host CPU load and memory through systeminformation's currentLoad() and mem(), which read
 * /proc asynchronously. (Never graphics(): it runs nvidia-smi synchronously.)
 */
@Injectable()
export class SystemInformationHostAdapter implements HostTelemetrySource {
  async sample(): Promise<HostTelemetry> {
    const [load, mem] = await Promise.all([si.currentLoad(), si.mem()]);
    return {
      cpuUtilization: Math.min(1, Math.max(0, load.currentLoad / 100)),
      memoryTotalBytes: mem.total,
      memoryUsedBytes: mem.total - mem.available,
    };
  }
}
