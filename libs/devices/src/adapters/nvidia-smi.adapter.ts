import { Injectable, Logger } from '@nestjs/common';
import { execFile } from 'node:child_process';
import nvidiaSmi from 'node-nvidia-smi';
import type { NvidiaGpuStatus } from '../interfaces/nvidia-gpu-status.interface';
import { parseNvidiaSmiLog } from './nvidia-smi-xml.parser';

const AVAILABILITY_TIMEOUT_MS = 10_000;

/**
 * NVIDIA GPUs through node-nvidia-smi (`nvidia-smi -q -x`), asynchronously.
 *
 * @remarks Used by the device inventory at start-up and by the metrics sampler for GPU telemetry,
 * so it never blocks the event loop (unlike systeminformation's graphics()).
 * `available()` is cached: it runs `nvidia-smi -L` once and is false when the binary is not on
 * PATH or cannot talk to a driver.
 */
@Injectable()
export class NvidiaSmiAdapter {
  private readonly logger = new Logger(NvidiaSmiAdapter.name);
  private availability?: Promise<boolean>;

  available(): Promise<boolean> {
    this.availability ??= new Promise((resolve) => {
      execFile('nvidia-smi', ['-L'], { timeout: AVAILABILITY_TIMEOUT_MS, windowsHide: true }, (err) => {
        if (err && (err as NodeJS.ErrnoException).code !== 'ENOENT') {
          this.logger.warn(`nvidia-smi is on PATH but failed: ${err.message.split('\n')[0]}`);
        }
        resolve(!err);
      });
    });
    return this.availability;
  }

  /** Current status of every NVIDIA GPU; [] when nvidia-smi is unavailable. Rejects when it fails. */
  async query(): Promise<NvidiaGpuStatus[]> {
    if (!(await this.available())) return [];
    const data = await new Promise<unknown>((resolve, reject) =>
      nvidiaSmi((err, result) => (err ? reject(asError(err)) : resolve(result))),
    );
    return parseNvidiaSmiLog(data);
  }
}

function asError(err: unknown): Error {
  if (err instanceof Error) return err;
  return new Error(`nvidia-smi failed: ${typeof err === 'string' ? err : JSON.stringify(err)}`);
}
