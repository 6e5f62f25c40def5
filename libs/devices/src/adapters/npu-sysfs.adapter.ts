import { Inject, Injectable, Optional } from '@nestjs/common';
import { readFile, readdir, readlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { HOST_FS_ROOT } from '../devices.tokens';
import type { AccelDevice } from '../interfaces/accel-device.interface';

/**
 * NPUs the Linux kernel exposes: the accel subsystem (/sys/class/accel/accelN, used by intel_vpu,
 * amdxdna, qaic, ...) and Qualcomm's FastRPC nodes (/dev/fastrpc-*). Read under an injectable
 * root so tests can use a fake tree.
 */
@Injectable()
export class NpuSysfsAdapter {
  constructor(@Optional() @Inject(HOST_FS_ROOT) private readonly root: string = '/') {}

  async accelDevices(): Promise<AccelDevice[]> {
    const classDir = join(this.root, 'sys/class/accel');
    const nodes = (await readdir(classDir).catch(() => [] as string[])).filter((n) => /^accel\d+$/.test(n));
    nodes.sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
    return Promise.all(
      nodes.map(async (node) => {
        const device = join(classDir, node, 'device');
        const driver = await readlink(join(device, 'driver')).then(basename, () => 'unknown');
        return {
          node,
          driver,
          pciVendorId: await readTrimmed(join(device, 'vendor')),
          pciDeviceId: await readTrimmed(join(device, 'device')),
          sysfsPath: join('/sys/class/accel', node),
        };
      }),
    );
  }

  /** Qualcomm Hexagon DSP/NPU nodes (fastrpc-adsp, fastrpc-cdsp...). */
  async fastRpcNodes(): Promise<string[]> {
    const entries = await readdir(join(this.root, 'dev')).catch(() => [] as string[]);
    return entries.filter((e) => e.startsWith('fastrpc')).sort();
  }
}

function readTrimmed(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').then(
    (s) => s.trim() || undefined,
    () => undefined,
  );
}
