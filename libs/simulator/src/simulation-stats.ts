import type { SimJobClass } from './interfaces/simulation-config.interface';
import type { SimulationReport } from './interfaces/simulation-report.interface';
import { summariseLatencies } from './latency-summary';
import type { SimDevice } from './sim-device';
import type { SimRun } from './sim-job.interface';

/** Accumulates what completes inside the measurement window and turns it into a report. */
export class SimulationStats {
  rejected = 0;
  late = 0;
  expired = 0;
  decisions = 0;
  decisionWallMs = 0;
  private readonly latencies: number[] = [];
  private readonly classLatencies: number[][];
  private readonly classDevice: number[][];
  private readonly deviceJobs: number[];
  private readonly deviceRows: number[];
  private readonly deviceRuns: number[];
  private readonly deviceBusyMs: number[];

  constructor(
    private readonly classes: readonly SimJobClass[],
    private readonly devices: readonly SimDevice[],
    private readonly windowStart: number,
    private readonly windowEnd: number,
  ) {
    const zeros = () => devices.map(() => 0);
    this.classLatencies = classes.map(() => []);
    this.classDevice = classes.map(zeros);
    this.deviceJobs = zeros();
    this.deviceRows = zeros();
    this.deviceRuns = zeros();
    this.deviceBusyMs = zeros();
  }

  /** Records a run that completed at `now` (ignored before the window opens). */
  completed(run: SimRun, now: number): void {
    if (now < this.windowStart) return;
    const d = run.deviceIndex;
    this.deviceRuns[d]++;
    this.deviceBusyMs[d] += run.actualMs;
    for (const job of run.jobs) {
      const latency = now - job.arrivedAt;
      this.latencies.push(latency);
      this.classLatencies[job.classIndex].push(latency);
      this.classDevice[job.classIndex][d]++;
      this.deviceJobs[d]++;
      this.deviceRows[d] += job.rows;
      if (job.deadlineAt !== undefined && now > job.deadlineAt) this.late++;
    }
  }

  report(policy: string): SimulationReport {
    const windowMs = this.windowEnd - this.windowStart;
    const jobs = this.latencies.length;
    const rows = this.deviceRows.reduce((a, b) => a + b, 0);
    let cost = 0;
    this.devices.forEach((device, d) => {
      cost += (device.snapshot.costWeight * this.deviceBusyMs[d]) / device.capacity / 1000;
    });
    return {
      policy,
      windowMs,
      jobs,
      rows,
      rejected: this.rejected,
      late: this.late,
      expired: this.expired,
      throughputJobsPerSecond: (jobs * 1000) / windowMs,
      throughputRowsPerSecond: (rows * 1000) / windowMs,
      latencyMs: summariseLatencies(this.latencies),
      devices: this.devices.map((device, d) => ({
        deviceId: device.spec.id,
        jobs: this.deviceJobs[d],
        rows: this.deviceRows[d],
        runs: this.deviceRuns[d],
        share: jobs > 0 ? this.deviceJobs[d] / jobs : 0,
        utilisation: this.deviceBusyMs[d] / (device.capacity * windowMs),
      })),
      classes: this.classes.map((c, i) => ({
        modelKey: c.modelKey,
        batchSize: c.batchSize,
        jobs: this.classLatencies[i].length,
        latencyMs: summariseLatencies(this.classLatencies[i]),
        jobsByDevice: Object.fromEntries(this.devices.map((device, d) => [device.spec.id, this.classDevice[i][d]])),
      })),
      costPer1kInferences: rows > 0 ? (cost * 1000) / rows : 0,
      decisions: this.decisions,
      decisionsPerSecond: this.decisionWallMs > 0 ? (this.decisions * 1000) / this.decisionWallMs : 0,
    };
  }
}
