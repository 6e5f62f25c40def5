import { idealThroughput, type IdealThroughput } from './ideal-throughput';
import type { SimulationConfig } from './interfaces/simulation-config.interface';

/**
 * The LP ideal of a simulation config: each class's rate on each device from the device's
 * noise-free service time at the class's batch size, with all slots busy (no batch merging).
 */
export function idealForSimulation(config: SimulationConfig): IdealThroughput {
  const key = (i: number) => `${i}:${config.classes[i].modelKey}@${config.classes[i].batchSize}`;
  const classes = config.classes.map((c, i) => ({ key: key(i), share: c.share }));
  const devices = config.devices.map((d) => ({
    id: d.id,
    jobsPerSecond: Object.fromEntries(
      config.classes.map((c, i) => {
        const ms = d.serviceMs(c.modelKey, c.batchSize);
        return [key(i), ms === undefined || ms <= 0 ? 0 : ((d.capacity ?? 1) * 1000) / ms];
      }),
    ),
  }));
  return idealThroughput(classes, devices);
}
