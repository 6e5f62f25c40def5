import type { DeviceInfo } from '@switchyard/devices';
import type { ServedModel } from '@switchyard/models';
import type { InferenceJob } from '../interfaces/inference-job.interface';
import type { DeviceSnapshot } from '../interfaces/scheduling-policy.interface';
import type { DeviceDispatcher } from './device-dispatcher';

/**
 * What a policy sees of one device for one job: the device, whether the job's model is ready on
 * it, and the dispatcher's load (deviceLoad(): running sums, no walk over queued jobs) for the job
 * at priority `level` (the level it will be queued at) at clock time `now` (the decision's: read
 * once for all devices; default: the dispatcher's clock now). The scheduler builds one per device
 * per decision; the decision-cost bench times exactly this.
 */
export function deviceSnapshot(
  job: InferenceJob,
  device: Pick<DeviceInfo, 'id' | 'kind' | 'costWeight'>,
  dispatcher: DeviceDispatcher,
  runnable: ReadonlySet<string> = modelDevices(job.model),
  level?: number,
  now?: number,
): DeviceSnapshot {
  const load = dispatcher.load(job.model.key, level, now);
  return {
    deviceId: device.id,
    kind: device.kind,
    costWeight: device.costWeight,
    canRun: job.model.state === 'READY' && runnable.has(device.id),
    capacity: load.capacity,
    inFlight: load.inFlight,
    queuedJobs: dispatcher.queuedJobs,
    backlogMs: load.backlogMs,
    openBatchRows: load.openBatchRows,
    overtakenBatches: load.overtakenBatches,
    maxBatchSize: job.model.maxBatchSize,
  };
}

const deviceSets = new WeakMap<readonly string[], { length: number; set: Set<string> }>();

/**
 * The devices a model is loaded on, as a set (a decision asks once per device: `includes` on
 * the list costs microseconds with tens of devices). Cached per list: the repository only appends
 * to a model's list or replaces it, so the list and its length identify the set.
 */
export function modelDevices(model: Pick<ServedModel, 'devices'>): ReadonlySet<string> {
  const cached = deviceSets.get(model.devices);
  if (cached && cached.length === model.devices.length) return cached.set;
  const set = new Set(model.devices);
  deviceSets.set(model.devices, { length: model.devices.length, set });
  return set;
}
