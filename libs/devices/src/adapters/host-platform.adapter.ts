import { Injectable } from '@nestjs/common';
import type { HostPlatform } from '../interfaces/host-platform.interface';

/** process.platform / process.arch behind an adapter, so EP applicability is testable for any host. */
@Injectable()
export class HostPlatformAdapter {
  read(): HostPlatform {
    return { platform: process.platform, arch: process.arch };
  }
}
