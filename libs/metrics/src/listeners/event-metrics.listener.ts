import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { SwitchyardEvents, type SwitchyardEventMap, type SwitchyardEventName } from '@switchyard/common';
import { DeviceActivityService } from '../activity/device-activity.service';
import { RecentDecisions } from '../activity/recent-decisions.service';
import { DeviceDirectory } from '../labels/device-directory.service';
import { MetricsService } from '../registry/metrics.service';

const ROLLOUT_STATES = ['progressing', 'paused', 'promoted', 'rolled_back', 'aborted'];
/** Longest a per-request metric update waits before it reaches prom-client (a scrape applies them at once). */
const FLUSH_MS = 250;
const MAX_PENDING = 4096;

/**
 * Turns the events other libs publish into metrics, device activity and recent decisions.
 * Nothing calls metrics directly. Listeners run in the publisher's call: they only count and
 * never throw into it.
 *
 * @remarks The events every request publishes (decision, batch, job, inference) are applied to
 * prom-client off the request's path: kept as they come and applied together every FLUSH_MS or
 * right before a scrape, so a scrape always sees every request that finished before it. (A
 * prom-client update validates and hashes its labels: ten of them per request cost more than
 * the rest of the bookkeeping.) Device activity and recent decisions stay immediate.
 */
@Injectable()
export class EventMetricsListener implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(EventMetricsListener.name);
  private readonly unsubscribe: Array<() => void> = [];
  private clusterMergedAt: number | undefined;
  /** Per-request events not yet applied to prom-client, in arrival order. */
  private pending: PendingEvent[] = [];
  private flushTimer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly events: SwitchyardEvents,
    private readonly metricsService: MetricsService,
    private readonly directory: DeviceDirectory,
    private readonly activity: DeviceActivityService,
    private readonly decisions: RecentDecisions,
  ) {}

  onModuleInit(): void {
    this.listen('job.completed', (e) => this.onJobCompleted(e));
    this.listen('job.rejected', (e) => this.onJobRejected(e));
    this.listen('scheduler.decision', (e) => this.onDecision(e));
    this.listen('batch.dispatched', (e) => this.defer({ name: 'batch.dispatched', e }));
    this.listen('worker.restarted', (e) => this.onWorkerRestarted(e));
    this.listen('job.retried', (e) => this.m.retries.inc(this.directory.labels(e.fromDeviceId)));
    this.listen('device.health', (e) => this.m.healthChanges.inc({ ...this.directory.labels(e.deviceId), state: e.to }));
    this.listen('inference.finished', (e) => this.defer({ name: 'inference.finished', e }));
    this.listen('cluster.synced', (e) => this.onClusterSynced(e));
    this.metricsService.addCollector(() => this.flush());
    this.metricsService.addCollector(() => {
      if (this.clusterMergedAt !== undefined) this.m.clusterLastMergeAge.set((Date.now() - this.clusterMergedAt) / 1000);
    });
    this.listen('rollout.decision', (e) => this.onRolloutDecision(e));
    this.listen('rollout.changed', (e) => this.onRolloutChanged(e));
    this.listen('feedback.recorded', (e) =>
      this.m.feedback.inc({ model: this.directory.model(e.model), version: e.version, correct: String(e.correct) }),
    );
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.flush();
  }

  /** Keeps a per-request event for the next flush. */
  private defer(event: PendingEvent): void {
    // a flood between flushes is applied as it comes, a batch at a time
    if (this.pending.push(event) >= MAX_PENDING) this.flush();
    else if (this.flushTimer === undefined) {
      this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
      this.flushTimer.unref();
    }
  }

  /** Applies the kept per-request events to prom-client. */
  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const events = this.pending;
    if (events.length === 0) return;
    this.pending = [];
    for (const event of events) {
      try {
        this.apply(event);
      } catch (err) {
        this.logger.warn(`${event.name} listener failed: ${(err as Error).message}`);
      }
    }
  }

  private apply(event: PendingEvent): void {
    switch (event.name) {
      case 'job.completed':
        return this.countJob(event);
      case 'scheduler.decision':
        return this.countDecision(event.e);
      case 'batch.dispatched':
        return this.onBatch(event.e);
      case 'inference.finished':
        return this.onInferenceFinished(event.e);
    }
  }

  private get m() {
    return this.metricsService.metrics;
  }

  private onClusterSynced(e: SwitchyardEventMap['cluster.synced']): void {
    this.m.clusterNodes.set(e.nodes);
    this.m.clusterPeers.set({ state: 'reachable' }, e.peersReachable);
    this.m.clusterPeers.set({ state: 'unreachable' }, e.peersUnreachable);
    this.m.clusterStateVersion.set(e.version);
    this.clusterMergedAt = e.lastMergeAt;
  }

  /** Device activity now (stats read it), the counters at the next flush. */
  private onJobCompleted(e: SwitchyardEventMap['job.completed']): void {
    const ok = e.outcome === 'ok';
    const busyMs = this.activity.recordCompletion(
      this.directory.labels(e.deviceId).device,
      performance.now(),
      ok ? e.runMs : 0,
      e.totalMs,
      ok,
    );
    this.defer({ name: 'job.completed', e, busyMs });
  }

  private countJob({ e, busyMs }: { e: SwitchyardEventMap['job.completed']; busyMs: number }): void {
    const labels = this.directory.labels(e.deviceId);
    const withModel = { ...labels, model: this.directory.model(e.model) };
    const ok = e.outcome === 'ok';
    this.m.requests.inc({ ...withModel, outcome: e.outcome });
    if (!ok) this.m.errors.inc({ ...labels, reason: this.directory.reason(e.errorReason) });
    this.m.requestDuration.observe(withModel, e.totalMs / 1000);
    this.m.queueWait.observe(withModel, e.queueMs / 1000);
    if (ok) this.m.inferenceDuration.observe(withModel, e.runMs / 1000);
    if (busyMs > 0) this.m.busySeconds.inc(labels, busyMs / 1000);
    if (ok && e.predictedMs !== undefined && e.totalMs > 0) {
      this.m.predictionError.observe(
        { policy: this.directory.policy(e.policy), device: labels.device },
        Math.abs(e.predictedMs - e.totalMs) / e.totalMs,
      );
    }
  }

  private onJobRejected(e: SwitchyardEventMap['job.rejected']): void {
    this.m.rejected.inc({ ...this.directory.labels(e.deviceId), reason: e.reason });
    this.activity.recordRejection();
  }

  /** Recent decisions now (stats read them), the counters at the next flush. */
  private onDecision(e: SwitchyardEventMap['scheduler.decision']): void {
    this.defer({ name: 'scheduler.decision', e });
    this.decisions.record({
      at: Date.now(),
      policy: e.policy,
      model: e.model,
      deviceId: e.deviceId,
      predictedMs: e.predictedMs ?? null,
      decisionUs: e.decisionUs,
    });
  }

  private countDecision(e: SwitchyardEventMap['scheduler.decision']): void {
    const policy = this.directory.policy(e.policy);
    const { device } = this.directory.labels(e.deviceId);
    this.m.decisions.inc({ policy, device });
    this.m.decisionDuration.observe({ policy }, e.decisionUs / 1e6);
  }

  private onBatch(e: SwitchyardEventMap['batch.dispatched']): void {
    const labels = { ...this.directory.labels(e.deviceId), model: this.directory.model(e.model) };
    this.m.batches.inc(labels);
    this.m.batchRequests.inc(labels, e.requests);
    this.m.batchSize.observe(labels, e.batchSize);
  }

  private onInferenceFinished(e: SwitchyardEventMap['inference.finished']): void {
    const labels = { model: this.directory.model(e.model), version: e.version };
    this.m.modelRequests.inc({ ...labels, outcome: e.outcome });
    if (e.outcome === 'ok') this.m.modelRequestDuration.observe(labels, e.totalNs / 1e9);
  }

  /** Counted on the node that took the decision (a sum over the nodes counts each once). */
  private onRolloutDecision(e: SwitchyardEventMap['rollout.decision']): void {
    this.m.rolloutDecisions.inc({ model: this.directory.model(e.model), decision: e.decision });
  }

  /** Every node shows the state it routes by. */
  private onRolloutChanged(e: SwitchyardEventMap['rollout.changed']): void {
    const model = this.directory.model(e.model);
    this.m.rolloutWeight.set({ model, primary: e.primary, candidate: e.candidate }, e.weight);
    for (const state of ROLLOUT_STATES) this.m.rolloutState.set({ model, state }, state === e.status ? 1 : 0);
  }

  private onWorkerRestarted(e: SwitchyardEventMap['worker.restarted']): void {
    this.m.workerRestarts.inc(this.directory.labels(e.deviceId));
  }

  private listen<K extends SwitchyardEventName>(name: K, handler: (payload: SwitchyardEventMap[K]) => void): void {
    this.unsubscribe.push(
      this.events.on(name, (payload) => {
        try {
          handler(payload);
        } catch (err) {
          this.logger.warn(`${name} listener failed: ${(err as Error).message}`);
        }
      }),
    );
  }
}

/** A per-request event kept for the next flush (with what was computed when it came). */
type PendingEvent =
  | { name: 'job.completed'; e: SwitchyardEventMap['job.completed']; busyMs: number }
  | { name: 'scheduler.decision'; e: SwitchyardEventMap['scheduler.decision'] }
  | { name: 'batch.dispatched'; e: SwitchyardEventMap['batch.dispatched'] }
  | { name: 'inference.finished'; e: SwitchyardEventMap['inference.finished'] };
