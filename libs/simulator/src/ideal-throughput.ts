import { solveLinearProgram } from './simplex';

export interface IdealJobClass {
  key: string;
  /** Fraction of the jobs (normalised over the classes). */
  share: number;
}

export interface IdealDevice {
  id: string;
  /** Jobs of each class per second the device completes when it does nothing else (all slots); 0 or absent: cannot. */
  jobsPerSecond: Record<string, number>;
}

export interface IdealThroughput {
  /** Best total jobs per second of the mix over all devices. */
  jobsPerSecond: number;
  /** Jobs per second of each class on each device at that optimum. */
  assignment: Record<string, Record<string, number>>;
  /** Busy fraction of each device at that optimum. */
  utilisation: Record<string, number>;
}

/**
 * The ideal a policy is measured against: the largest throughput X of the job mix over the
 * devices, by fractional assignment (a linear program). Variables x_cd (jobs/s of class c on
 * device d) and X; maximise X subject to sum_d x_cd >= share_c X for each class and
 * sum_c x_cd / rate_cd <= 1 for each device.
 */
export function idealThroughput(classes: readonly IdealJobClass[], devices: readonly IdealDevice[]): IdealThroughput {
  const total = classes.reduce((s, c) => s + c.share, 0);
  const vars: { c: number; d: number; rate: number }[] = [];
  classes.forEach((cls, c) =>
    devices.forEach((dev, d) => {
      const rate = dev.jobsPerSecond[cls.key] ?? 0;
      if (rate > 0) vars.push({ c, d, rate });
    }),
  );
  const n = vars.length + 1; // the last variable is X
  const objective = new Array<number>(n).fill(0);
  objective[n - 1] = 1;
  const constraints = [
    ...classes.map((cls, c) => {
      const row = new Array<number>(n).fill(0);
      vars.forEach((v, j) => (row[j] = v.c === c ? -1 : 0));
      row[n - 1] = cls.share / total;
      return { coefficients: row, bound: 0 };
    }),
    ...devices.map((_, d) => {
      const row = new Array<number>(n).fill(0);
      vars.forEach((v, j) => (row[j] = v.d === d ? 1 / v.rate : 0));
      return { coefficients: row, bound: 1 };
    }),
  ];
  const solution = solveLinearProgram({ objective, constraints });
  if (solution.status !== 'optimal') throw new Error('ideal throughput: the program is unbounded');
  const assignment: Record<string, Record<string, number>> = {};
  const utilisation: Record<string, number> = {};
  for (const dev of devices) {
    assignment[dev.id] = Object.fromEntries(classes.map((c) => [c.key, 0]));
    utilisation[dev.id] = 0;
  }
  vars.forEach((v, j) => {
    const id = devices[v.d].id;
    assignment[id][classes[v.c].key] = solution.x[j];
    utilisation[id] += solution.x[j] / v.rate;
  });
  return { jobsPerSecond: solution.value, assignment, utilisation };
}
