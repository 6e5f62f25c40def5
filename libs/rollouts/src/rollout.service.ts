import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { NotFoundError, SwitchyardEvents, type SwitchyardEventMap } from '@switchyard/common';
import { ModelRepositoryService } from '@switchyard/models';
import { wilson95 } from './analysis/accuracy-interval';
import { analyseInterval } from './analysis/analyse-interval';
import { LatencyWindow } from './analysis/latency-window';
import { routeRequest, type RouteDecision } from './analysis/route-request';
import type { RolloutDecisionKind, RolloutState, RolloutStep, VersionFigures } from './interfaces/rollout-state.interface';
import { parseRolloutSpec } from './rollout-spec.schema';
import { RolloutStoreAdapter } from './store/rollout-store.adapter';

const MAX_STEPS = 200;

interface LiveRollout {
  state: RolloutState;
  /** Since the last analysis. */
  window: Map<string, LatencyWindow>;
  /** Since the rollout started (this process). */
  total: Map<string, LatencyWindow>;
  timer?: NodeJS.Timeout;
}

/**
 * Canary and shadow rollouts of a model's candidate version against its primary: routes unpinned
 * requests, measures both versions from 'inference.finished', runs the analysis every interval
 * (analyseInterval), and persists every state change (RolloutStoreAdapter), so a restart resumes.
 * Each decision is audited as one JSON log line and published as 'rollout.decision'.
 */
@Injectable()
export class RolloutService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RolloutService.name);
  private readonly rollouts = new Map<string, LiveRollout>();
  private off?: () => void;
  private closed = false;

  constructor(
    private readonly models: ModelRepositoryService,
    private readonly store: RolloutStoreAdapter,
    private readonly events: SwitchyardEvents,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.off = this.events.on('inference.finished', (e) => this.observe(e));
    for (const state of await this.store.read().catch((err: Error) => (this.logger.error(err.message), []))) {
      const live = this.live(state);
      this.rollouts.set(state.spec.model, live);
      if (this.active(state)) this.schedule(live);
      this.logger.log(`resumed the rollout of ${state.spec.model} (${state.status}, weight ${state.weight})`);
    }
  }

  onApplicationShutdown(): void {
    this.closed = true;
    this.off?.();
    for (const live of this.rollouts.values()) clearTimeout(live.timer);
  }

  /** Where an unpinned request for `model` goes; undefined when no rollout covers it. */
  route(model: string, session: string | undefined): RouteDecision | undefined {
    const live = this.rollouts.get(model);
    if (!live) return undefined;
    const decision = routeRequest(live.state, session, Math.random);
    const { primary, candidate } = live.state.spec;
    if (!this.ready(model, candidate))
      return { version: decision.version === candidate && live.state.status !== 'promoted' ? primary : decision.version };
    return decision;
  }

  async put(model: string, body: unknown): Promise<RolloutState> {
    const spec = parseRolloutSpec(model, body);
    for (const v of [spec.primary, spec.candidate]) this.models.get(model, v); // 404 for an unknown version
    const previous = this.rollouts.get(model);
    if (previous) clearTimeout(previous.timer);
    const now = new Date().toISOString();
    const state: RolloutState = {
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
    const live = this.live(state);
    this.rollouts.set(model, live);
    this.decide(live, 'start', `${spec.mode} of version ${spec.candidate} against ${spec.primary} at weight ${spec.weight}`);
    await this.save();
    this.schedule(live);
    return this.view(model);
  }

  /** The state with per-version figures since the start. */
  view(model: string): RolloutState & { versions: Record<string, VersionFigures> } {
    const live = this.rollouts.get(model);
    if (!live) throw new NotFoundError(`no rollout for model "${model}"`);
    const { primary, candidate } = live.state.spec;
    const versions: Record<string, VersionFigures> = {};
    for (const v of [primary, candidate]) versions[v] = this.figures(live, live.total, v);
    const { compared, agreed } = live.state.shadow;
    if (live.state.spec.mode === 'shadow') Object.assign(versions[candidate], { compared, agreement: compared ? agreed / compared : null });
    return { ...live.state, versions };
  }

  /** DELETE: all traffic back to the primary. */
  async abort(model: string): Promise<RolloutState> {
    const live = this.rollouts.get(model);
    if (!live) throw new NotFoundError(`no rollout for model "${model}"`);
    clearTimeout(live.timer);
    if (this.active(live.state)) {
      live.state.status = 'aborted';
      live.state.weight = 0;
      this.decide(live, 'abort', 'aborted by the API: all traffic back to the primary');
      await this.save();
    }
    return this.view(model);
  }

  /** A mirrored request was compared with the primary's answer. */
  recordShadow(model: string, agreed: boolean): void {
    const live = this.rollouts.get(model);
    if (!live || live.state.spec.mode !== 'shadow') return;
    live.state.shadow.compared++;
    if (agreed) live.state.shadow.agreed++;
  }

  /** Feedback on an answer of `version`; counted while a rollout of the model covers that version. */
  recordFeedback(model: string, version: string, correct: boolean): void {
    const live = this.rollouts.get(model);
    if (!live || (version !== live.state.spec.primary && version !== live.state.spec.candidate)) return;
    const tally = (live.state.accuracy[version] ??= { judged: 0, correct: 0 });
    tally.judged++;
    if (correct) tally.correct++;
  }

  /** Rollouts for metrics. */
  list(): RolloutState[] {
    return [...this.rollouts.values()].map((l) => l.state);
  }

  private observe(e: SwitchyardEventMap['inference.finished']): void {
    const live = this.rollouts.get(e.model);
    if (!live || !this.active(live.state)) return;
    if (e.version !== live.state.spec.primary && e.version !== live.state.spec.candidate) return;
    if (e.outcome === 'error' && (e.status ?? 500) < 500) return; // the caller's mistake says nothing of the version
    const ok = e.outcome === 'ok';
    for (const windows of [live.window, live.total]) this.windowOf(windows, e.version).record(ok, e.totalNs / 1e6);
  }

  private tick(live: LiveRollout): void {
    const { state } = live;
    const { model, primary, candidate } = state.spec;
    if (!this.active(state) || this.rollouts.get(model) !== live) return;
    const bothReady = this.ready(model, primary) && this.ready(model, candidate);
    if (!bothReady) {
      if (state.status !== 'paused') {
        state.status = 'paused';
        this.decide(live, 'pause', `paused: version ${this.ready(model, primary) ? candidate : primary} is not ready`);
      }
    } else if (state.status === 'paused') {
      state.status = 'progressing';
      this.decide(live, 'resume', 'both versions are ready again');
    } else {
      const figures = (v: string) => {
        const w = this.windowOf(live.window, v);
        return { requests: w.requests, errorRate: w.errorRate(), p99Ms: w.p99() };
      };
      const tally = (v: string) => state.accuracy[v] ?? { judged: 0, correct: 0 };
      const result = analyseInterval({
        spec: state.spec,
        weight: state.weight,
        failedChecks: state.failed_checks,
        primary: figures(primary),
        candidate: figures(candidate),
        accuracy: { primary: tally(primary), candidate: tally(candidate) },
      });
      state.weight = result.weight;
      state.failed_checks = result.failedChecks;
      if (result.decision === 'rollback') state.status = 'rolled_back';
      if (result.decision === 'promote') state.status = 'promoted';
      const last = state.steps[state.steps.length - 1];
      // a run of thin intervals is one step; a hold is recorded again when its figures change
      const repeated =
        last?.decision === result.decision && (result.decision === 'wait' || (result.decision === 'hold' && last.reason === result.reason));
      if (!repeated) this.decide(live, result.decision, result.reason, true);
      // too little traffic to judge: the window grows into the next interval instead of starting over
      if (result.decision === 'wait') return this.finishTick(live, false);
    }
    this.finishTick(live, true);
  }

  private finishTick(live: LiveRollout, newWindow: boolean): void {
    const { state } = live;
    if (newWindow) live.window.clear();
    void this.save();
    if (this.active(state)) this.schedule(live);
  }

  private decide(live: LiveRollout, decision: RolloutDecisionKind, reason: string, withFigures = false): void {
    const { state } = live;
    const { model, primary, candidate } = state.spec;
    const step: RolloutStep = { at: new Date().toISOString(), decision, weight: state.weight, reason };
    if (withFigures)
      Object.assign(step, { primary: this.figures(live, live.window, primary), candidate: this.figures(live, live.window, candidate) });
    state.steps.push(step);
    if (state.steps.length > MAX_STEPS) state.steps.splice(0, state.steps.length - MAX_STEPS);
    state.reason = reason;
    state.updated_at = step.at;
    this.logger.log(
      JSON.stringify({
        audit: 'rollout.decision',
        model,
        primary,
        candidate,
        decision,
        status: state.status,
        weight: state.weight,
        reason,
      }),
    );
    this.events.emit('rollout.decision', { model, primary, candidate, decision, status: state.status, weight: state.weight, reason });
  }

  private figures(live: LiveRollout, windows: Map<string, LatencyWindow>, version: string): VersionFigures {
    const w = this.windowOf(windows, version);
    const tally = live.state.accuracy[version] ?? { judged: 0, correct: 0 };
    return {
      requests: w.requests,
      errors: w.errors,
      error_rate: w.errorRate(),
      p99_ms: w.p99(),
      feedback: { ...tally, accuracy: tally.judged ? tally.correct / tally.judged : null, ci95: wilson95(tally.correct, tally.judged) },
    };
  }

  private schedule(live: LiveRollout): void {
    clearTimeout(live.timer);
    if (this.closed) return;
    live.timer = setTimeout(() => this.tick(live), live.state.spec.interval_s * 1000);
    live.timer.unref();
  }

  private live(state: RolloutState): LiveRollout {
    return { state, window: new Map(), total: new Map() };
  }

  private windowOf(windows: Map<string, LatencyWindow>, version: string): LatencyWindow {
    let w = windows.get(version);
    if (!w) windows.set(version, (w = new LatencyWindow()));
    return w;
  }

  private active(state: RolloutState): boolean {
    return state.status === 'progressing' || state.status === 'paused';
  }

  private ready(model: string, version: string): boolean {
    try {
      return this.models.get(model, version).state === 'READY';
    } catch {
      return false;
    }
  }

  private save(): Promise<void> {
    return this.store
      .write(this.list())
      .catch((err: Error) => this.logger.error(`saving rollouts to ${this.store.file} failed: ${err.message}`));
  }
}
