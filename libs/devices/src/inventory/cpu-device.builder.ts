import type { CpuFacts } from '../interfaces/cpu-facts.interface';
import type { ExecutionProviderStatus } from '../interfaces/execution-provider-status.interface';
import type { DeviceDraft } from './device-draft.interface';
import { findStatus, whyNot, works } from './execution-provider-plan';

/** The host CPU as one device, usable when the cpu EP probe ran the probe model. */
export function buildCpuDevice(facts: CpuFacts | Error, statuses: ExecutionProviderStatus[]): DeviceDraft {
  const probe = findStatus(statuses, 'cpu');
  const known = facts instanceof Error ? undefined : facts;
  return {
    kind: 'cpu',
    vendor: known?.vendor ?? 'unknown',
    name: known?.model ?? 'CPU',
    memoryBytes: known?.memoryTotalBytes,
    executionProvider: 'cpu',
    usable: works(probe),
    reason: whyNot(probe, 'cpu'),
    details: known
      ? { physicalCores: known.physicalCores, logicalCores: known.logicalCores, speedGHz: known.speedGHz, probeMs: probe?.probe?.ms }
      : { inventoryError: (facts as Error).message, probeMs: probe?.probe?.ms },
  };
}
