import type {
  ScheduleResult,
  SchedulingContext,
  SchedulingPolicy,
} from '../interfaces/scheduling-policy.interface';

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

/**
 * Runs a policy for one job: filter (the model must be loaded, the policy's own filter, the
 * deadline) -> score -> pick the best, spreading ties and near-ties with `ctx.random`.
 *
 * @remarks Never throws for expected outcomes: when no device is left the result is
 * `unschedulable` with a reason per device. Synchronous and allocation-light: scratch arrays
 * are reused across calls (safe, since a call never yields), one instance can serve everything.
 */
export class SchedulingFramework {
  private readonly tieEpsilon: number;
  private scores = new Float64Array(64);
  private predicted = new Float64Array(64);
  private rejected: (string | undefined)[] = new Array<string | undefined>(64);

  constructor(options: Partial<SchedulingFrameworkOptions> = {}) {
    const eps = options.tieEpsilon ?? 0.02;
    if (!(eps >= 0 && eps < 1)) throw new RangeError(`tieEpsilon must be in [0, 1), got ${eps}`);
    this.tieEpsilon = eps;
  }

  schedule(policy: SchedulingPolicy, ctx: SchedulingContext): ScheduleResult {
    const n = ctx.devices.length;
    this.ensureCapacity(n);
    let best = -Infinity;
    let eligible = 0;
    for (let i = 0; i < n; i++) {
      const reason = this.evaluate(policy, ctx, i);
      this.rejected[i] = reason;
      if (reason !== undefined) continue;
      eligible++;
      if (this.scores[i] > best || eligible === 1) best = this.scores[i];
    }
    if (eligible === 0) return { status: 'unschedulable', reasons: this.reasons(ctx) };
    const chosen = this.pickAmongTies(ctx, best);
    const device = ctx.devices[chosen];
    let predictedMs: number | undefined = this.predicted[chosen];
    if (Number.isNaN(predictedMs)) predictedMs = policy.predictMs?.(ctx, device, chosen);
    return { status: 'scheduled', deviceId: device.deviceId, deviceIndex: chosen, predictedMs, score: this.scores[chosen] };
  }

  /** Filters and scores device i; returns why it was rejected, or undefined when it stays. */
  private evaluate(policy: SchedulingPolicy, ctx: SchedulingContext, i: number): string | undefined {
    const device = ctx.devices[i];
    this.predicted[i] = NaN;
    if (!device.canRun) return NOT_LOADED;
    if (policy.filter !== undefined) {
      const verdict = policy.filter(ctx, device, i);
      if (!verdict.ok) return verdict.reason;
    }
    const deadlineAt = ctx.job.deadlineAt;
    if (deadlineAt !== undefined && policy.predictMs !== undefined) {
      const predicted = policy.predictMs(ctx, device, i);
      if (predicted !== undefined) {
        this.predicted[i] = predicted;
        if (ctx.now + predicted > deadlineAt) return DEADLINE;
      }
    }
    const score = policy.score(ctx, device, i);
    if (Number.isNaN(score)) return NO_SCORE;
    this.scores[i] = score;
    return undefined;
  }

  private pickAmongTies(ctx: SchedulingContext, best: number): number {
    const n = ctx.devices.length;
    const floor = Number.isFinite(best) ? best - this.tieEpsilon * Math.abs(best) : best;
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
    this.rejected = new Array<string | undefined>(size);
  }
}
