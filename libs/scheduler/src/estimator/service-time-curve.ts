import { BATCH_BUCKETS, batchBucket } from './batch-bucket';

/**
 * A bucket's first measurements keep their minimum, not their mean: the first runs of a shape on a
 * device pay one-off costs (memory arenas growing, kernels compiled, a remote's connection and
 * sessions warming: 10-40x the warm time measured here), which only ever make a run slower.
 */
export const WARM_UP_SAMPLES = 3;

/**
 * Service time over batch size for one (model, device) pair: per power-of-two batch bucket, an
 * EWMA of the measured ms and of the batch sizes measured (so the point sits where the
 * measurements were), and the number of samples. Unknown batch sizes are interpolated linearly
 * between the neighbouring known points and extrapolated from the two outermost ones.
 *
 * @remarks Fixed-size typed arrays and a bitmask of known buckets: no allocation per estimate.
 */
export class ServiceTimeCurve {
  private readonly ms = new Float64Array(BATCH_BUCKETS);
  private readonly batch = new Float64Array(BATCH_BUCKETS);
  private readonly count = new Float64Array(BATCH_BUCKETS);
  /** Bit k set when bucket k has a value. */
  private known = 0;
  /** Bit k set while bucket k still rests mostly on a prior (see seedPrior). */
  private priorBuckets = 0;
  /** True while the curve holds only a prior: nothing measured on this node yet. */
  private priorOnly = false;
  /** The model's run count (EwmaServiceTimeEstimator) at this curve's last measurement or seeding. */
  observedAt = 0;

  get isEmpty(): boolean {
    return this.known === 0;
  }

  get isPrior(): boolean {
    return this.priorOnly;
  }

  /**
   * A curve from other nodes' measurements: each point counts as `weight` samples at most, and
   * the first measurements of this node in a prior bucket are averaged with it (weight 1/(n+1))
   * until that weighs less than the EWMA's alpha: this node's own runs soon outweigh the prior.
   */
  static prior(points: readonly { batchSize: number; ms: number; samples: number }[], weight: number): ServiceTimeCurve {
    const curve = new ServiceTimeCurve();
    for (const p of points) curve.seed(p.batchSize, p.ms, Math.min(p.samples, weight));
    curve.priorBuckets = curve.known;
    curve.priorOnly = curve.known !== 0;
    return curve;
  }

  /**
   * Folds one measurement into its bucket: the first WARM_UP_SAMPLES keep the fastest of them (with
   * its batch size), later ones go into the EWMA with weight `alpha`.
   */
  observe(batchSize: number, ms: number, alpha: number): void {
    const k = batchBucket(batchSize);
    this.priorOnly = false;
    const warmingUp = this.count[k] < WARM_UP_SAMPLES && !((this.priorBuckets >>> k) & 1);
    if (this.count[k] === 0 || (warmingUp && ms < this.ms[k])) {
      this.ms[k] = ms;
      this.batch[k] = batchSize;
    } else if (!warmingUp) {
      let a = alpha;
      if ((this.priorBuckets >>> k) & 1) {
        a = Math.max(alpha, 1 / (this.count[k] + 1));
        if (a === alpha) this.priorBuckets &= ~(1 << k);
      }
      this.ms[k] += a * (ms - this.ms[k]);
      this.batch[k] += a * (batchSize - this.batch[k]);
    }
    this.count[k] += 1;
    this.known |= 1 << k;
  }

  /** Merges a calibration point into its bucket as a sample-weighted mean. */
  seed(batchSize: number, ms: number, samples: number): void {
    const k = batchBucket(batchSize);
    const n = this.count[k];
    const total = n + samples;
    this.ms[k] = (this.ms[k] * n + ms * samples) / total;
    this.batch[k] = (this.batch[k] * n + batchSize * samples) / total;
    this.count[k] = total;
    this.known |= 1 << k;
  }

  /** Samples behind bucket k (0 when that bucket is only interpolated). */
  samplesAt(k: number): number {
    return this.count[k];
  }

  /** Predicted ms at `batchSize`, whose bucket is k; the curve must not be empty. */
  estimate(batchSize: number, k: number = batchBucket(batchSize)): number {
    let lower = -1;
    let upper = -1;
    if ((this.known >>> k) & 1) {
      if (this.batch[k] === batchSize) return this.ms[k];
      if (this.batch[k] <= batchSize) lower = k;
      else upper = k;
    }
    if (lower < 0) lower = highestBit(this.known & ((1 << k) - 1));
    if (upper < 0) upper = lowestBit(this.known & ~((2 << k) - 1));
    if (lower >= 0 && upper >= 0) return this.between(lower, upper, batchSize);
    return lower >= 0 ? this.above(lower, batchSize) : this.below(upper, batchSize);
  }

  /** The known points, in increasing batch size. */
  points(): { batchSize: number; ms: number; samples: number }[] {
    const out: { batchSize: number; ms: number; samples: number }[] = [];
    for (let k = 0; k < BATCH_BUCKETS; k++) {
      if ((this.known >>> k) & 1) out.push({ batchSize: this.batch[k], ms: this.ms[k], samples: this.count[k] });
    }
    return out;
  }

  private between(lo: number, hi: number, b: number): number {
    const x0 = this.batch[lo];
    const x1 = this.batch[hi];
    if (x1 <= x0) return this.ms[lo];
    return this.ms[lo] + ((this.ms[hi] - this.ms[lo]) * (b - x0)) / (x1 - x0);
  }

  /** Beyond the largest known batch: the slope of the last two points, or proportional to batch. */
  private above(last: number, b: number): number {
    const x1 = this.batch[last];
    const y1 = this.ms[last];
    const prev = highestBit(this.known & ((1 << last) - 1));
    if (prev < 0 || this.batch[prev] >= x1) return (y1 * b) / x1;
    const slope = Math.max(0, (y1 - this.ms[prev]) / (x1 - this.batch[prev]));
    return y1 + slope * (b - x1);
  }

  /**
   * Below the smallest known batch: the slope of the first two points, never less than the
   * proportional share (a fixed overhead only makes small batches relatively dearer).
   */
  private below(first: number, b: number): number {
    const x0 = this.batch[first];
    const y0 = this.ms[first];
    const next = lowestBit(this.known & ~((2 << first) - 1));
    const floor = (y0 * b) / x0;
    if (next < 0 || this.batch[next] <= x0) return y0;
    const slope = Math.max(0, (this.ms[next] - y0) / (this.batch[next] - x0));
    return Math.max(floor, y0 - slope * (x0 - b));
  }
}

function highestBit(mask: number): number {
  return mask === 0 ? -1 : 31 - Math.clz32(mask);
}

function lowestBit(mask: number): number {
  return mask === 0 ? -1 : 31 - Math.clz32(mask & -mask);
}
