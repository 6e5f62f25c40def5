import { idealForSimulation, idealThroughput, type SimulationConfig } from '@switchyard/simulator';
import { maxBatchSizes } from './sim-config';

/** The LP ideal of a mix on a set of devices (what each policy is measured against). */
export interface IdealResult {
  /** Best jobs/s of the mix, each job run on its own (no merging): the reference. */
  jobsPerS: number;
  rowsPerS: number;
  /** Jobs/s of each class on each device at the optimum. */
  assignment: Record<string, Record<string, number>>;
  utilisation: Record<string, number>;
  /**
   * The same LP when every run is a full merged batch (each model's max batch size): an upper
   * bound that dynamic batching can approach only with deep queues.
   */
  fullBatchingJobsPerS?: number;
}

/** The LP over the devices' true (noise-free) service times, via the policies' own LP. */
export function idealOf(config: SimulationConfig): IdealResult {
  const ideal = idealForSimulation({ ...config, maxBatchSize: undefined });
  const total = config.classes.reduce((s, c) => s + c.share, 0);
  const rowsPerJob = config.classes.reduce((s, c) => s + (c.share / total) * c.batchSize, 0);
  return {
    jobsPerS: ideal.jobsPerSecond,
    rowsPerS: ideal.jobsPerSecond * rowsPerJob,
    assignment: ideal.assignment,
    utilisation: ideal.utilisation,
    fullBatchingJobsPerS: fullBatchingBound(config),
  };
}

function fullBatchingBound(config: SimulationConfig): number | undefined {
  const maxBatch = maxBatchSizes([...new Set(config.classes.map((c) => c.modelKey))]);
  const key = (i: number) => `${i}`;
  const classes = config.classes.map((c, i) => ({ key: key(i), share: c.share }));
  const devices = config.devices.map((d) => ({
    id: d.id,
    jobsPerSecond: Object.fromEntries(
      config.classes.map((c, i) => {
        const jobsPerRun = Math.max(1, Math.floor((maxBatch[c.modelKey] || c.batchSize) / c.batchSize));
        const ms = d.serviceMs(c.modelKey, jobsPerRun * c.batchSize);
        return [key(i), ms === undefined || ms <= 0 ? 0 : ((d.capacity ?? 1) * 1000 * jobsPerRun) / ms];
      }),
    ),
  }));
  return idealThroughput(classes, devices).jobsPerSecond;
}
