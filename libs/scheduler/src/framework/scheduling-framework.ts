import type { ScheduleResult, SchedulingContext, SchedulingPolicy } from '../interfaces/scheduling-policy.interface';

export interface SchedulingFrameworkOptions {
  /**
   * Scores within this fraction of the best one (relative to its magnitude) count as ties and are
   * spread at random, so near-equal devices share load instead of one taking it all.
   * @defaultValue 0.02
   */
  tieEpsilon: number;
}

const NOT_LOADED = 'model not loaded on this device';
const NO_SCORE = 'policy gave no score (NaN)';
/** Marks a device rejected by the deadline filter; the message is built only if it is needed. */
const DEADLINE = '\u0000deadline';
/** Lazy deadline rounds before the framework checks every remaining device at once. */
const LAZY_DEADLINE_ROUNDS = 3;

/**
 * Runs a policy for one job: filter (the model must be loaded, the policy's own filter, the
 * deadline) -> score -> pick the best, spreading ties and near-ties with `ctx.random`.
 *
 * @remarks
 * - Never throws for expected outcomes: when no device is left the result is `unschedulable`
 *   with a reason per device.
 * - The deadline filter is applied lazily, to the best-scored devices first, so that a decision
 *   usually asks the policy for one or two predictions rather than one per device. The outcome
 *   is the same as filtering every device first (scores are pure).
 * - Synchronous and allocation-light: scratch arrays are reused across calls (safe, since a call
 *   never yields), so one instance can serve every decision.
 */
export class SchedulingFramework {
  private readonly tieEpsilon: number;
  private scores = new Float64Array(64);
  private predicted = new Float64Array(64);
  private checked = new Uint8Array(64);
  private rejected: (string | undefined)[] = new Array<string | undefined>(64);

  constructor(options: Partial<SchedulingFrameworkOptions> = {}) {
    const eps = options.tieEpsilon ?? 0.02;
    if (!(eps >= 0 && eps < 1)) throw new RangeError(`tieEpsilon must be in [0, 1), got ${eps}`);
    this.tieEpsilon = eps;
  }

  schedule(policy: SchedulingPolicy, ctx: SchedulingContext): ScheduleResult {
    const n = ctx.devices.length;
    this.ensureCapacity(n);
    for (let i = 0; i < n; i++) this.rejected[i] = this.filterAndScore(policy, ctx, i);
    const withDeadline = ctx.job.deadlineAt !== undefined && policy.predictMs !== undefined;
    if (withDeadline) this.checked.fill(0, 0, n);
    let best = this.bestScore(n);
    for (let round = 1; withDeadline && !Number.isNaN(best); round++) {
      const passed =
        round > LAZY_DEADLINE_ROUNDS ? this.checkDeadlines(policy, ctx, -Infinity) : this.checkDeadlines(policy, ctx, this.floor(best));
      if (passed) break;
      best = this.bestScore(n);
    }
    if (Number.isNaN(best)) return { status: 'unschedulable', reasons: this.reasons(ctx) };
    const chosen = this.pickAmongTies(ctx, this.floor(best));
    const device = ctx.devices[chosen];
    const predictedMs = withDeadline && this.checked[chosen] === 1 ? this.predicted[chosen] : policy.predictMs?.(ctx, device, chosen);
    return {
      status: 'scheduled',
      deviceId: device.deviceId,
      deviceIndex: chosen,
      predictedMs: predictedMs === undefined || Number.isNaN(predictedMs) ? undefined : predictedMs,
      score: this.scores[chosen],
    };
  }

  /** Filters and scores device i; returns why it was rejected, or undefined when it stays. */
  private filterAndScore(policy: SchedulingPolicy, ctx: SchedulingContext, i: number): string | undefined {
    const device = ctx.devices[i];
    if (!device.canRun) return NOT_LOADED;
    if (policy.filter !== undefined) {
      const verdict = policy.filter(ctx, device, i);
      if (!verdict.ok) return verdict.reason;
    }
    const score = policy.score(ctx, device, i);
    if (Number.isNaN(score)) return NO_SCORE;
    this.scores[i] = score;
    return undefined;
  }

  /** The best score of the devices still in, NaN when none is. */
  private bestScore(n: number): number {
    let best = NaN;
    for (let i = 0; i < n; i++) {
      if (this.rejected[i] === undefined && !(this.scores[i] <= best)) best = this.scores[i];
    }
    return best;
  }

  /** Lowest score that still ties with `best`. */
  private floor(best: number): number {
    return Number.isFinite(best) ? best - this.tieEpsilon * Math.abs(best) : best;
  }

  /**
   * Applies the deadline filter to the devices still in with a score >= floor (not yet checked);
   * true when none of them failed it.
   */
  private checkDeadlines(policy: SchedulingPolicy, ctx: SchedulingContext, floor: number): boolean {
    const deadlineAt = ctx.job.deadlineAt as number;
    let passed = true;
    for (let i = 0; i < ctx.devices.length; i++) {
      if (this.rejected[i] !== undefined || this.checked[i] === 1 || this.scores[i] < floor) continue;
      this.checked[i] = 1;
      const predicted = (policy.predictMs as NonNullable<SchedulingPolicy['predictMs']>)(ctx, ctx.devices[i], i);
      this.predicted[i] = predicted === undefined ? NaN : predicted;
      if (predicted !== undefined && ctx.now + predicted > deadlineAt) {
        this.rejected[i] = DEADLINE;
        passed = false;
      }
    }
    return passed;
  }

  private pickAmongTies(ctx: SchedulingContext, floor: number): number {
    const n = ctx.devices.length;
    let ties = 0;
    let last = -1;
    for (let i = 0; i < n; i++) {
      if (this.rejected[i] === undefined && this.scores[i] >= floor) {
        ties++;
        last = i;
      }
    }
    if (ties === 1) return last;
    let k = Math.floor(ctx.random() * ties);
    if (!(k >= 0 && k < ties)) k = ties - 1;
    for (let i = 0; i < n; i++) {
      if (this.rejected[i] === undefined && this.scores[i] >= floor && k-- === 0) return i;
    }
    return last;
  }

  private reasons(ctx: SchedulingContext): Record<string, string> {
    const reasons: Record<string, string> = {};
    if (ctx.devices.length === 0) reasons['*'] = 'no devices';
    for (let i = 0; i < ctx.devices.length; i++) {
      const reason = this.rejected[i] as string;
      reasons[ctx.devices[i].deviceId] = reason === DEADLINE ? this.deadlineReason(ctx, i) : reason;
    }
    return reasons;
  }

  private deadlineReason(ctx: SchedulingContext, i: number): string {
    const left = (ctx.job.deadlineAt as number) - ctx.now;
    return `cannot meet deadline: predicted ${this.predicted[i].toFixed(1)} ms > ${left.toFixed(1)} ms left`;
  }

  private ensureCapacity(n: number): void {
    if (n <= this.scores.length) return;
    const size = Math.max(n, this.scores.length * 2);
    this.scores = new Float64Array(size);
    this.predicted = new Float64Array(size);
    this.checked = new Uint8Array(size);
    this.rejected = new Array<string | undefined>(size);
  }
}
