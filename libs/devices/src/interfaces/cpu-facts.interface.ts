/** The host CPU and RAM as systeminformation reports them. */
export interface CpuFacts {
  vendor: string;
  model: string;
  physicalCores: number;
  logicalCores: number;
  /** Base clock, GHz; absent when unknown. */
  speedGHz?: number;
  memoryTotalBytes: number;
}
