import { Injectable } from '@nestjs/common';
import { cpus } from 'node:os';

/** The host facts a calibration profile is keyed on that come from outside the app. */
@Injectable()
export class HostFactsAdapter {
  cpuModel(): string {
    return cpus()[0]?.model ?? 'unknown cpu';
  }

  ortVersion(): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('onnxruntime-node/package.json') as { version: string }).version;
  }
}
