import type { ServiceTimeEstimate, ServiceTimeEstimator } from '../interfaces/service-time-estimator.interface';
import { EstimatorSnapshotError } from './estimator-snapshot.error';
import type { EstimatorSnapshot, ServiceTimeCurveSnapshot, ServiceTimePoint } from './estimator-snapshot.interface';
import { batchBucket } from './batch-bucket';
import { ServiceTimeCurve } from './service-time-curve';

export interface EwmaEstimatorOptions {
  /**
   * Weight of a new measurement in the EWMA, in (0, 1]: higher tracks changes (load, thermal
   * throttling) faster and noise more.
   * @defaultValue 0.2
   */
  alpha: number;
  /**
   * The EWMA's clock, in runs of the model on any device: a measurement taken `n` runs after the
   * pair's previous one weighs `1 - (1 - alpha)^(n / decayRuns)`, never less than alpha. A device
   * in steady use (measured at least every `decayRuns` runs) gets the plain EWMA; one passed over
   * for long has its old estimate mostly replaced by its next measurement, since what it was
   * measured at then (cold, or under a load since gone) may no longer hold.
   * @defaultValue 8
   */
  decayRuns: number;
}

const DEFAULTS: EwmaEstimatorOptions = { alpha: 0.2, decayRuns: 8 };

/** Samples a point of a prior (another node's measurement) counts for at most: less than the adaptive policy's minSamples. */
export const PRIOR_WEIGHT = 1;

/**
 * The performance model: per (model, device, power-of-two batch bucket) an EWMA of the measured
 * service time, seeded from start-up calibration and updated by every completed job; batch sizes
 * never measured are interpolated / extrapolated along the (model, device) curve. A bucket's first
 * WARM_UP_SAMPLES measurements keep their minimum (ServiceTimeCurve.observe), and the EWMA runs on
 * the model's run count, not per sample (decayRuns).
 *
 * @remarks Pure logic: no clock, no I/O. `estimate` reports `samples: 0` for an interpolated
 * bucket, which is what the adaptive policy's exploration reads.
 */
export class EwmaServiceTimeEstimator implements ServiceTimeEstimator {
  private readonly curves = new Map<string, ModelCurves>();
  private readonly alpha: number;
  private readonly decayRuns: number;
  /** The last model looked up (see lookup). */
  private lastModel: string | undefined;
  private lastByDevice: ModelCurves | undefined;
  private changes = 0;
  /** Per device: changes of its own pairs, plus every structural change (see versionOf). */
  private readonly deviceChanges = new Map<string, number>();
  private structure = 0;

  constructor(options: Partial<EwmaEstimatorOptions> = {}) {
    const alpha = options.alpha ?? DEFAULTS.alpha;
    if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`EWMA alpha must be in (0, 1], got ${alpha}`);
    this.alpha = alpha;
    const decayRuns = options.decayRuns ?? DEFAULTS.decayRuns;
    if (!(decayRuns >= 1)) throw new RangeError(`decayRuns must be at least 1, got ${decayRuns}`);
    this.decayRuns = decayRuns;
  }

  /** See ServiceTimeEstimator.version. */
  get version(): number {
    return this.changes;
  }

  /**
   * See ServiceTimeEstimator.versionOf: changes when a pair of the device is observed, and when
   * any pair is added, seeded or forgotten (a device's stand-in estimates for pairs it does not
   * know come from its peers' curves; they are refreshed then).
   */
  versionOf(deviceId: string): number {
    return this.deviceChanges.get(deviceId) ?? -1 - this.structure;
  }

  static fromJSON(snapshot: unknown, options: Partial<EwmaEstimatorOptions> = {}): EwmaServiceTimeEstimator {
    const sut = new EwmaServiceTimeEstimator(options);
    sut.load(snapshot);
    return sut;
  }

  estimate(modelKey: string, deviceId: string, batchSize: number): ServiceTimeEstimate | undefined {
    const curve = this.lookup(modelKey, deviceId);
    if (curve === undefined) return undefined;
    const k = batchBucket(batchSize);
    return { ms: curve.estimate(batchSize, k), samples: curve.samplesAt(k), passedOver: this.lastByDevice!.runs - curve.observedAt };
  }

  estimateInto(modelKey: string, deviceId: string, batchSize: number, out: ServiceTimeEstimate): boolean {
    const curve = this.lookup(modelKey, deviceId);
    if (curve === undefined) return false;
    const k = batchBucket(batchSize);
    out.ms = curve.estimate(batchSize, k);
    out.samples = curve.samplesAt(k);
    out.passedOver = this.lastByDevice!.runs - curve.observedAt;
    return true;
  }

  /** Folds in one completed session run; non-finite or negative times and empty batches are ignored. */
  observe(modelKey: string, deviceId: string, batchSize: number, ms: number): void {
    if (!(batchSize >= 1) || !(ms >= 0) || ms === Infinity) return;
    this.changes++;
    const known = this.curves.get(modelKey)?.has(deviceId) === true;
    const byDevice = this.models(modelKey);
    const curve = this.curve(modelKey, deviceId);
    curve.observe(batchSize, ms, this.weightAfter(byDevice.runs - curve.observedAt));
    curve.observedAt = ++byDevice.runs;
    if (known) this.deviceChanges.set(deviceId, (this.deviceChanges.get(deviceId) ?? 0) + 1);
    else this.structureChanged(deviceId);
  }

  /**
   * Replaces what is known of (model, device) with calibration points (several points in one
   * bucket are averaged, weighted by their samples).
   */
  seed(modelKey: string, deviceId: string, points: readonly ServiceTimePoint[]): void {
    const curve = new ServiceTimeCurve();
    for (const p of points) {
      const samples = p.samples ?? 1;
      if (!(p.batchSize >= 1) || !(p.ms >= 0) || !Number.isFinite(p.ms) || !(samples > 0)) {
        throw new RangeError(`invalid calibration point for ${modelKey} on ${deviceId}: ${JSON.stringify(p)}`);
      }
      curve.seed(p.batchSize, p.ms, samples);
    }
    curve.observedAt = this.models(modelKey).runs;
    this.models(modelKey).set(deviceId, curve);
    this.changes++;
    this.structureChanged(deviceId);
  }

  /**
   * A prior for a pair this node has not measured (what nodes on the same hardware measured):
   * ignored when the pair has measurements of its own, else replaces the previous prior. Each
   * point counts as at most PRIOR_WEIGHT samples and this node's first runs are averaged in with
   * more weight than the EWMA gives (ServiceTimeCurve.prior). Returns whether it was taken.
   */
  prior(modelKey: string, deviceId: string, points: readonly Required<ServiceTimePoint>[]): boolean {
    const known = this.curves.get(modelKey)?.get(deviceId);
    if (known !== undefined && !known.isEmpty && !known.isPrior) return false;
    const valid = points.filter((p) => p.batchSize >= 1 && p.ms >= 0 && Number.isFinite(p.ms) && p.samples > 0);
    if (valid.length === 0) return false;
    const prior = ServiceTimeCurve.prior(valid, PRIOR_WEIGHT);
    prior.observedAt = this.models(modelKey).runs;
    this.models(modelKey).set(deviceId, prior);
    this.changes++;
    this.structureChanged(deviceId);
    return true;
  }

  /** Whether this node has measured (model, device) itself (calibration, a stored profile or runs), not only a prior. */
  hasMeasured(modelKey: string, deviceId: string): boolean {
    const curve = this.curves.get(modelKey)?.get(deviceId);
    return curve !== undefined && !curve.isEmpty && !curve.isPrior;
  }

  /** Drops what is known of a model (on one device, or on all). */
  forget(modelKey: string, deviceId?: string): void {
    this.lastModel = undefined;
    this.changes++;
    this.structureChanged(deviceId);
    if (deviceId === undefined) this.curves.delete(modelKey);
    else this.curves.get(modelKey)?.delete(deviceId);
  }

  /** Every curve, priors included. */
  toJSON(): EstimatorSnapshot {
    return this.snapshot(false);
  }

  /** Only the curves this node measured itself (no prior): what it shares with other nodes. */
  measuredSnapshot(): EstimatorSnapshot {
    return this.snapshot(true);
  }

  private snapshot(measuredOnly: boolean): EstimatorSnapshot {
    const curves: ServiceTimeCurveSnapshot[] = [];
    for (const [modelKey, byDevice] of this.curves) {
      for (const [deviceId, curve] of byDevice) {
        if (!curve.isEmpty && !(measuredOnly && curve.isPrior)) curves.push({ modelKey, deviceId, points: curve.points() });
      }
    }
    return { version: 1, curves };
  }

  /** Adds the curves of a snapshot (replacing those of the same pairs). */
  load(snapshot: unknown): void {
    const s = snapshot as Partial<EstimatorSnapshot> | null;
    if (s === null || typeof s !== 'object' || s.version !== 1 || !Array.isArray(s.curves)) {
      throw new EstimatorSnapshotError('estimator snapshot must be {"version": 1, "curves": [...]}');
    }
    for (const c of s.curves as Partial<ServiceTimeCurveSnapshot>[]) {
      if (typeof c?.modelKey !== 'string' || typeof c.deviceId !== 'string' || !Array.isArray(c.points)) {
        throw new EstimatorSnapshotError(`estimator snapshot curve needs modelKey, deviceId and points: ${JSON.stringify(c)}`);
      }
      try {
        this.seed(c.modelKey, c.deviceId, c.points);
      } catch (error) {
        throw new EstimatorSnapshotError((error as Error).message);
      }
    }
  }

  /** EWMA weight of a measurement taken `passedOver` runs of the model after the pair's previous one (see decayRuns). */
  private weightAfter(passedOver: number): number {
    return passedOver <= this.decayRuns ? this.alpha : 1 - (1 - this.alpha) ** (passedOver / this.decayRuns);
  }

  /** The non-empty curve of the pair; a decision asks about one model on every device, hence the cache. */
  private lookup(modelKey: string, deviceId: string): ServiceTimeCurve | undefined {
    let byDevice = this.lastByDevice;
    if (modelKey !== this.lastModel) {
      byDevice = this.curves.get(modelKey);
      this.lastModel = modelKey;
      this.lastByDevice = byDevice;
    }
    const curve = byDevice?.get(deviceId);
    return curve === undefined || curve.isEmpty ? undefined : curve;
  }

  private models(modelKey: string): ModelCurves {
    let byDevice = this.curves.get(modelKey);
    if (byDevice === undefined) {
      byDevice = new ModelCurves();
      this.curves.set(modelKey, byDevice);
      this.lastModel = undefined;
    }
    return byDevice;
  }

  /** A pair appeared or went: every device's version moves (`deviceId`'s is created if new). */
  private structureChanged(deviceId: string | undefined): void {
    this.structure++;
    for (const [id, n] of this.deviceChanges) this.deviceChanges.set(id, n + 1);
    if (deviceId !== undefined && !this.deviceChanges.has(deviceId)) this.deviceChanges.set(deviceId, 0);
  }

  private curve(modelKey: string, deviceId: string): ServiceTimeCurve {
    const byDevice = this.models(modelKey);
    let curve = byDevice.get(deviceId);
    if (curve === undefined) {
      curve = new ServiceTimeCurve();
      byDevice.set(deviceId, curve);
    }
    return curve;
  }
}

/**
 * One model's curves by device, and its runs measured so far on any of them: a curve's
 * `observedAt` is this count at its last measurement, so `runs - observedAt` is how many runs of
 * the model went to other devices since (ServiceTimeEstimate.passedOver).
 */
class ModelCurves extends Map<string, ServiceTimeCurve> {
  runs = 0;
}
