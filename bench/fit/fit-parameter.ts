/**
 * The value of a parameter in [lo, hi] at which `measure` (decreasing in it) hits `target`, by
 * bisection: `steps` halvings.
 */
export function fitDecreasing(measure: (x: number) => number, target: number, lo: number, hi: number, steps = 18): number {
  for (let i = 0; i < steps; i++) {
    const mid = (lo + hi) / 2;
    if (measure(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Mean, min and max of some values. */
export function spread(values: readonly number[]): { mean: number; min: number; max: number; n: number } {
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, min: Math.min(...values), max: Math.max(...values), n: values.length };
}
