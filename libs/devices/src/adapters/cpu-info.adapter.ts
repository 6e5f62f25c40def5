import { Injectable } from '@nestjs/common';
import * as si from 'systeminformation';
import type { CpuFacts } from '../interfaces/cpu-facts.interface';

/** The host CPU and RAM through systeminformation (cpu() and mem() read /proc, no subprocess). */
@Injectable()
export class CpuInfoAdapter {
  async read(): Promise<CpuFacts> {
    const [cpu, mem] = await Promise.all([si.cpu(), si.mem()]);
    return {
      vendor: cpu.manufacturer || cpu.vendor || 'unknown',
      model: cpu.brand || 'CPU',
      physicalCores: cpu.physicalCores,
      logicalCores: cpu.cores,
      speedGHz: cpu.speed || undefined,
      memoryTotalBytes: mem.total,
    };
  }
}
