export interface LinearProgram {
  /** Maximise objective . x */
  objective: readonly number[];
  /** subject to row . x <= bound for each constraint (bounds >= 0), and x >= 0. */
  constraints: readonly { coefficients: readonly number[]; bound: number }[];
}

export type LinearProgramSolution = { status: 'optimal'; value: number; x: number[] } | { status: 'unbounded' };

const EPS = 1e-12;

/**
 * Dense tableau simplex with Bland's rule (no cycling on degenerate programs). Only programs
 * whose origin is feasible (all bounds >= 0), which is what throughput programs are.
 */
export function solveLinearProgram(lp: LinearProgram): LinearProgramSolution {
  const n = lp.objective.length;
  const m = lp.constraints.length;
  const width = n + m + 1;
  const t = new Float64Array((m + 1) * width);
  const basis = new Int32Array(m);
  lp.constraints.forEach((row, i) => {
    if (!(row.bound >= 0)) throw new RangeError(`constraint ${i}: bound must be >= 0, got ${row.bound}`);
    for (let j = 0; j < n; j++) t[i * width + j] = row.coefficients[j] ?? 0;
    t[i * width + n + i] = 1;
    t[i * width + width - 1] = row.bound;
    basis[i] = n + i;
  });
  for (let j = 0; j < n; j++) t[m * width + j] = -lp.objective[j];
  for (;;) {
    let enter = -1;
    for (let j = 0; j < n + m && enter < 0; j++) if (t[m * width + j] < -EPS) enter = j;
    if (enter < 0) break;
    let leave = -1;
    let bestRatio = Infinity;
    for (let i = 0; i < m; i++) {
      const a = t[i * width + enter];
      if (a <= EPS) continue;
      const ratio = t[i * width + width - 1] / a;
      if (ratio < bestRatio - EPS || (Math.abs(ratio - bestRatio) <= EPS && basis[i] < basis[leave])) {
        bestRatio = ratio;
        leave = i;
      }
    }
    if (leave < 0) return { status: 'unbounded' };
    pivot(t, width, m, leave, enter);
    basis[leave] = enter;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = 0; i < m; i++) if (basis[i] < n) x[basis[i]] = t[i * width + width - 1];
  return { status: 'optimal', value: t[m * width + width - 1], x };
}

function pivot(t: Float64Array, width: number, m: number, row: number, col: number): void {
  const p = t[row * width + col];
  for (let j = 0; j < width; j++) t[row * width + j] /= p;
  for (let i = 0; i <= m; i++) {
    if (i === row) continue;
    const f = t[i * width + col];
    if (f === 0) continue;
    for (let j = 0; j < width; j++) t[i * width + j] -= f * t[row * width + j];
  }
}
