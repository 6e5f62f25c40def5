import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  NotFoundError,
  SwitchyardError,
  SwitchyardEvents,
  UnavailableError,
  withTimeout,
  type SwitchyardEventMap,
} from '@switchyard/common';
import { ModelRepositoryService } from '@switchyard/models';
import { wilson95 } from './analysis/accuracy-interval';
import { analyseInterval } from './analysis/analyse-interval';
import { routeRequest, type RouteDecision } from './analysis/route-request';
import { emptySamples, errorRate, p99, recordSample } from './analysis/version-samples';
import type { AccuracyTally, SampleBatch, VersionSamples } from './interfaces/rollout-samples.interface';
import type { RolloutDecisionKind, RolloutState, RolloutStep, VersionFigures } from './interfaces/rollout-state.interface';
import type { RolloutStore } from './interfaces/rollout-store.interface';
import { parseRolloutSpec } from './rollout-spec.schema';
import { ROLLOUT_STORE } from './rollouts.tokens';

const MAX_STEPS = 200;
/** How often a node hands its measurements to the store. */
const FLUSH_MS = 250;
/** How often a node of a shared store rereads every rollout (besides the change feed). */
const RESYNC_MS = 1000;
/** How long an API change waits for a model's lock held by an analysis. */
const API_LOCK_WAIT_MS = 5000;
/** A node that finds the lock taken looks again after this long (the holder may have died). */
const LOCK_RETRY_MS = 1000;
/** Longest wait at shutdown for the last hand-over of measurements. */
const SHUTDOWN_FLUSH_MS = 2000;
/** At most one warning this often while the store is unreachable. */
const WARN_EVERY_MS = 10_000;

interface Decision {
  decision: RolloutDecisionKind;
  reason: string;
}

/**
 * Canary and shadow rollouts of a model's candidate version against its primary: routes unpinned
 * requests by the stored state, measures both versions from 'inference.finished' and hands the
 * measurements to the store (ROLLOUT_STORE: a file, or Redis shared by every node), and runs the
 * analysis every interval under the model's lock, on whichever node's timer fires first: the state
 * it writes (compare-and-set on its revision) says when the next analysis is due, so the others
 * skip. Each decision is audited as one JSON log line and published as 'rollout.decision' by the
 * node that took it.
 */
@Injectable()
export class RolloutService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RolloutService.name);
  private readonly rollouts = new Map<string, RolloutState>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Measurements of this node not yet handed to the store, by rollout id. */
  private pending = new Map<string, SampleBatch>();
  private readonly stops: (() => void)[] = [];
  private closed = false;
  private warnedAt = 0;

  constructor(
    private readonly models: ModelRepositoryService,
    @Inject(ROLLOUT_STORE) private readonly store: RolloutStore,
    private readonly events: SwitchyardEvents,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.stops.push(this.events.on('inference.finished', (e) => this.observe(e)));
    const states = await this.store
      .list()
      .catch((err: Error) => (this.logger.error(`reading rollouts from ${this.store.location}: ${err.message}`), []));
    for (const state of states) {
      this.apply(state);
      this.logger.log(`resumed the rollout of ${state.spec.model} (${state.status}, weight ${state.weight})`);
    }
    this.stops.push(this.store.watch((model) => void this.refresh(model)));
    this.every(FLUSH_MS, () => this.flush());
    if (this.store.shared) this.every(RESYNC_MS, () => this.resync());
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.stops.forEach((stop) => stop());
    for (const timer of this.timers.values()) clearTimeout(timer);
    // a store that hangs must not hold the exit: the last measurements are then dropped
    await withTimeout(this.flush(), SHUTDOWN_FLUSH_MS).catch((err: Error) => this.warnOnce(err));
    await this.store.close();
  }

  /** Where an unpinned request for `model` goes; undefined when no rollout covers it. */
  route(model: string, session: string | undefined): RouteDecision | undefined {
    const state = this.rollouts.get(model);
    if (!state) return undefined;
    const decision = routeRequest(state, session, Math.random);
    const { primary, candidate } = state.spec;
    if (!this.ready(model, candidate))
      return { version: decision.version === candidate && state.status !== 'promoted' ? primary : decision.version };
    return decision;
  }

  async put(model: string, body: unknown): Promise<RolloutState> {
    const spec = parseRolloutSpec(model, body);
    for (const v of [spec.primary, spec.candidate]) this.models.get(model, v); // 404 for an unknown version
    await this.locked(model, async () => {
      const previous = await this.store.get(model);
      const now = new Date().toISOString();
      const state: RolloutState = {
        id: randomUUID(),
        revision: (previous?.revision ?? 0) + 1,
        spec,
        status: 'progressing',
        weight: spec.weight,
        failed_checks: 0,
        created_at: now,
        updated_at: now,
        reason: 'started',
        steps: [],
        accuracy: {},
        shadow: { compared: 0, agreed: 0 },
      };
      const decisions = [
        this.step(state, 'start', `${spec.mode} of version ${spec.candidate} against ${spec.primary} at weight ${spec.weight}`),
      ];
      await this.writeOrRetry(state, previous?.revision ?? 0, decisions);
    });
    return this.view(model);
  }

  /** The state with per-version figures since the start (over every node sharing the store). */
  view(model: string): Promise<RolloutState & { versions: Record<string, VersionFigures> }> {
    return this.guarded(() => this.read(model));
  }

  private async read(model: string): Promise<RolloutState & { versions: Record<string, VersionFigures> }> {
    await this.flush();
    const state = await this.store.get(model);
    if (!state) throw new NotFoundError(`no rollout for model "${model}"`);
    const { primary, candidate } = state.spec;
    const m = await this.store.measurements(state.id, [primary, candidate]);
    const versions: Record<string, VersionFigures> = {};
    for (const v of [primary, candidate]) versions[v] = figures(m.totals[v], m.accuracy[v]);
    const { compared, agreed } = m.shadow;
    if (state.spec.mode === 'shadow') Object.assign(versions[candidate], { compared, agreement: compared ? agreed / compared : null });
    return { ...state, accuracy: m.accuracy, shadow: m.shadow, versions };
  }

  /** DELETE: all traffic back to the primary. */
  async abort(model: string): Promise<RolloutState> {
    await this.locked(model, async () => {
      const state = await this.store.get(model);
      if (!state) throw new NotFoundError(`no rollout for model "${model}"`);
      if (!active(state)) return;
      const next = { ...structuredClone(state), status: 'aborted' as const, weight: 0, revision: state.revision + 1 };
      await this.writeOrRetry(next, state.revision, [this.step(next, 'abort', 'aborted by the API: all traffic back to the primary')]);
    });
    return this.view(model);
  }

  /** A mirrored request was compared with the primary's answer. */
  recordShadow(model: string, agreed: boolean): void {
    const state = this.rollouts.get(model);
    if (!state || state.spec.mode !== 'shadow') return;
    const batch = this.batchOf(state.id);
    batch.shadow.compared++;
    if (agreed) batch.shadow.agreed++;
  }

  /** Feedback on an answer of `version`; counted while a rollout of the model covers that version. */
  recordFeedback(model: string, version: string, correct: boolean): void {
    const state = this.rollouts.get(model);
    if (!state || (version !== state.spec.primary && version !== state.spec.candidate)) return;
    const tally = (this.batchOf(state.id).accuracy[version] ??= { judged: 0, correct: 0 });
    tally.judged++;
    if (correct) tally.correct++;
  }

  private observe(e: SwitchyardEventMap['inference.finished']): void {
    const state = this.rollouts.get(e.model);
    if (!state || !active(state)) return;
    if (e.version !== state.spec.primary && e.version !== state.spec.candidate) return;
    if (e.outcome === 'error' && (e.status ?? 500) < 500) return; // the caller's mistake says nothing of the version
    recordSample((this.batchOf(state.id).versions[e.version] ??= emptySamples()), e.outcome === 'ok', e.totalNs / 1e6);
  }

  /** The analysis of one interval, on the node that gets the lock first once it is due. */
  private async tick(model: string): Promise<void> {
    if (this.closed) return;
    const ran = await this.store
      .withLock(model, 0, async () => {
        await this.flush();
        const state = await this.store.get(model);
        if (!state) return;
        if (active(state) && Date.now() >= dueAt(state)) await this.analyse(state);
        else this.apply(state, true); // another node took this interval's analysis
      })
      .then(
        (done) => done !== undefined,
        (err: Error) => (this.logger.error(`rollout analysis of ${model} failed: ${err.message}`), false),
      );
    // another node holds the lock (or the store is unreachable): look again soon
    if (!ran && !this.closed) this.schedule(model, LOCK_RETRY_MS);
  }

  private async analyse(state: RolloutState): Promise<void> {
    const next = structuredClone(state);
    const { model, primary, candidate } = next.spec;
    const decisions: Decision[] = [];
    let window: Record<string, VersionSamples> | undefined;
    let keepWindow = false;
    const bothReady = this.ready(model, primary) && this.ready(model, candidate);
    if (!bothReady) {
      if (next.status !== 'paused') {
        next.status = 'paused';
        decisions.push(this.step(next, 'pause', `paused: version ${this.ready(model, primary) ? candidate : primary} is not ready`));
      }
    } else if (next.status === 'paused') {
      next.status = 'progressing';
      decisions.push(this.step(next, 'resume', 'both versions are ready again'));
    } else {
      window = await this.store.takeWindow(next.id, [primary, candidate]);
      const m = await this.store.measurements(next.id, [primary, candidate]);
      next.accuracy = m.accuracy;
      next.shadow = m.shadow;
      const tally = (v: string) => m.accuracy[v] ?? { judged: 0, correct: 0 };
      const interval = (v: string) => ({ requests: window![v].requests, errorRate: errorRate(window![v]), p99Ms: p99(window![v]) });
      const result = analyseInterval({
        spec: next.spec,
        weight: next.weight,
        failedChecks: next.failed_checks,
        primary: interval(primary),
        candidate: interval(candidate),
        accuracy: { primary: tally(primary), candidate: tally(candidate) },
      });
      next.weight = result.weight;
      next.failed_checks = result.failedChecks;
      if (result.decision === 'rollback') next.status = 'rolled_back';
      if (result.decision === 'promote') next.status = 'promoted';
      const last = next.steps[next.steps.length - 1];
      // a run of thin intervals is one step; a hold is recorded again when its figures change
      const repeated =
        last?.decision === result.decision && (result.decision === 'wait' || (result.decision === 'hold' && last.reason === result.reason));
      if (!repeated) {
        const figuresOf = (v: string) => figures(window![v], tally(v));
        decisions.push(this.step(next, result.decision, result.reason, { primary: figuresOf(primary), candidate: figuresOf(candidate) }));
      }
      // too little traffic to judge: the window grows into the next interval instead of starting over
      keepWindow = result.decision === 'wait';
    }
    next.analysed_at = new Date().toISOString();
    next.revision = state.revision + 1;
    const written = await this.write(next, state.revision, decisions);
    if (window && (keepWindow || !written)) await this.store.restoreWindow(next.id, window);
  }

  /** Stores `next` if the stored revision is still `expected`; then applies it here and audits its decisions. */
  private async write(next: RolloutState, expected: number, decisions: Decision[]): Promise<boolean> {
    if (!(await this.store.compareAndSet(next, expected))) {
      this.logger.warn(`rollout of ${next.spec.model} changed on another node meanwhile: decision dropped`);
      await this.refresh(next.spec.model);
      return false;
    }
    this.apply(next);
    for (const d of decisions) this.audit(next, d);
    return true;
  }

  private step(
    state: RolloutState,
    decision: RolloutDecisionKind,
    reason: string,
    withFigures?: Pick<RolloutStep, 'primary' | 'candidate'>,
  ): Decision {
    const step: RolloutStep = { at: new Date().toISOString(), decision, weight: state.weight, reason, ...withFigures };
    state.steps.push(step);
    if (state.steps.length > MAX_STEPS) state.steps.splice(0, state.steps.length - MAX_STEPS);
    state.reason = reason;
    state.updated_at = step.at;
    return { decision, reason };
  }

  private audit(state: RolloutState, { decision, reason }: Decision): void {
    const { model, primary, candidate } = state.spec;
    const entry = { model, primary, candidate, decision, status: state.status, weight: state.weight, reason };
    this.logger.log(JSON.stringify({ audit: 'rollout.decision', ...entry }));
    this.events.emit('rollout.decision', entry);
  }

  /** Takes a state read from the store as this node's if it is newer (`force`: reschedules anyway). */
  private apply(state: RolloutState, force = false): void {
    const model = state.spec.model;
    const known = this.rollouts.get(model);
    if (!force && known && known.id === state.id && known.revision >= state.revision) return;
    this.rollouts.set(model, state);
    if (known?.revision !== state.revision || known.id !== state.id) {
      const { primary, candidate } = state.spec;
      this.events.emit('rollout.changed', { model, primary, candidate, status: state.status, weight: state.weight });
    }
    clearTimeout(this.timers.get(model));
    this.timers.delete(model);
    if (active(state)) this.schedule(model, dueAt(state) - Date.now());
  }

  private schedule(model: string, delayMs: number): void {
    clearTimeout(this.timers.get(model));
    if (this.closed) return;
    // a little jitter: nodes whose timers fire together do not all queue on the lock
    const timer = setTimeout(() => void this.tick(model), Math.max(0, delayMs) + Math.random() * 20);
    timer.unref();
    this.timers.set(model, timer);
  }

  private async refresh(model: string): Promise<void> {
    const state = await this.store
      .get(model)
      .catch((err: Error) => (this.logger.warn(`reading the rollout of ${model}: ${err.message}`), undefined));
    if (state) this.apply(state);
  }

  private async resync(): Promise<void> {
    for (const state of await this.store.list()) this.apply(state);
  }

  /** Hands this node's measurements to the store (before an analysis or a view, and every FLUSH_MS). */
  private async flush(): Promise<void> {
    const batches = this.pending;
    if (batches.size === 0) return;
    this.pending = new Map();
    for (const [id, batch] of batches) await this.store.addSamples(id, batch);
  }

  private batchOf(id: string): SampleBatch {
    let batch = this.pending.get(id);
    if (!batch) this.pending.set(id, (batch = { versions: {}, accuracy: {}, shadow: { compared: 0, agreed: 0 } }));
    return batch;
  }

  private async locked(model: string, fn: () => Promise<void>): Promise<void> {
    const done = await this.guarded(() => this.store.withLock(model, API_LOCK_WAIT_MS, async () => (await fn(), true)));
    if (done === undefined) throw new UnavailableError(`the rollout of "${model}" is busy on another node: try again`);
  }

  /** An API write: refused with 503 in the unlikely case another node wrote in between. */
  private async writeOrRetry(next: RolloutState, expected: number, decisions: Decision[]): Promise<void> {
    if (!(await this.write(next, expected, decisions)))
      throw new UnavailableError(`the rollout of "${next.spec.model}" changed on another node meanwhile: try again`);
  }

  /** The API's calls to the store: a store that fails (Redis down or hanging) is a 503, not a 500. */
  private async guarded<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof SwitchyardError) throw err;
      throw new UnavailableError(`the rollout store (${this.store.location}) failed: ${(err as Error).message}`, { cause: err });
    }
  }

  private every(ms: number, fn: () => Promise<void>): void {
    const timer = setInterval(() => void fn().catch((err: Error) => this.warnOnce(err)), ms);
    timer.unref();
    this.stops.push(() => clearInterval(timer));
  }

  /** A store that is down fails every flush and resync: one line per WARN_EVERY_MS. */
  private warnOnce(err: Error): void {
    if (Date.now() - this.warnedAt < WARN_EVERY_MS) return;
    this.warnedAt = Date.now();
    this.logger.warn(`rollout store (${this.store.location}): ${err.message} (measurements of this node meanwhile are dropped)`);
  }

  private ready(model: string, version: string): boolean {
    try {
      return this.models.get(model, version).state === 'READY';
    } catch {
      return false;
    }
  }
}

function active(state: RolloutState): boolean {
  return state.status === 'progressing' || state.status === 'paused';
}

/** When the next analysis of `state` is due. */
function dueAt(state: RolloutState): number {
  return Date.parse(state.analysed_at ?? state.created_at) + state.spec.interval_s * 1000;
}

function figures(samples: VersionSamples, tally: AccuracyTally = { judged: 0, correct: 0 }): VersionFigures {
  return {
    requests: samples.requests,
    errors: samples.errors,
    error_rate: errorRate(samples),
    p99_ms: p99(samples),
    feedback: { ...tally, accuracy: tally.judged ? tally.correct / tally.judged : null, ci95: wilson95(tally.correct, tally.judged) },
  };
}
