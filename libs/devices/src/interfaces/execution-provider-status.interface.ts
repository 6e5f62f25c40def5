import type { ExecutionProviderName } from './device.interface';
import type { ProbeResult } from './probe-result.interface';

/**
 * Whether one execution provider can run on this host, with this onnxruntime-node build.
 *
 * @remarks `applicable: false` means it was not probed at all (wrong platform, not in the build,
 * libraries missing, no device for it); `reason` then says why. Per-GPU EPs (cuda, tensorrt) get
 * one status per device index.
 */
export interface ExecutionProviderStatus {
  ep: ExecutionProviderName;
  deviceId?: number;
  applicable: boolean;
  reason?: string;
  probe?: ProbeResult;
}
