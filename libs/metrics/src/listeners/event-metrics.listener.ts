import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { SwitchyardEvents, type SwitchyardEventMap, type SwitchyardEventName } from '@switchyard/common';
import { DeviceActivityService } from '../activity/device-activity.service';
import { RecentDecisions } from '../activity/recent-decisions.service';
import { DeviceDirectory } from '../labels/device-directory.service';
import { MetricsService } from '../registry/metrics.service';

const ROLLOUT_STATES = ['progressing', 'paused', 'promoted', 'rolled_back', 'aborted'];

/**
 * Turns the events other libs publish into metrics, device activity and recent decisions.
 * Nothing calls metrics directly. Listeners run in the publisher's call: they only count and
 * never throw into it.
 */
@Injectable()
export class EventMetricsListener implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(EventMetricsListener.name);
  private readonly unsubscribe: Array<() => void> = [];
  private clusterMergedAt: number | undefined;

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
    this.listen('batch.dispatched', (e) => this.onBatch(e));
    this.listen('worker.restarted', (e) => this.onWorkerRestarted(e));
    this.listen('job.retried', (e) => this.m.retries.inc(this.directory.labels(e.fromDeviceId)));
    this.listen('device.health', (e) => this.m.healthChanges.inc({ ...this.directory.labels(e.deviceId), state: e.to }));
    this.listen('inference.finished', (e) => this.onInferenceFinished(e));
    this.listen('cluster.synced', (e) => this.onClusterSynced(e));
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

  private onJobCompleted(e: SwitchyardEventMap['job.completed']): void {
    const labels = this.directory.labels(e.deviceId);
    const withModel = { ...labels, model: this.directory.model(e.model) };
    const ok = e.outcome === 'ok';
    this.m.requests.inc({ ...withModel, outcome: e.outcome });
    if (!ok) this.m.errors.inc({ ...labels, reason: this.directory.reason(e.errorReason) });
    this.m.requestDuration.observe(withModel, e.totalMs / 1000);
    this.m.queueWait.observe(withModel, e.queueMs / 1000);
    if (ok) this.m.inferenceDuration.observe(withModel, e.runMs / 1000);
    const busyMs = this.activity.recordCompletion(labels.device, performance.now(), ok ? e.runMs : 0, e.totalMs, ok);
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

  private onDecision(e: SwitchyardEventMap['scheduler.decision']): void {
    const policy = this.directory.policy(e.policy);
    const { device } = this.directory.labels(e.deviceId);
    this.m.decisions.inc({ policy, device });
    this.m.decisionDuration.observe({ policy }, e.decisionUs / 1e6);
    this.decisions.record({
      at: Date.now(),
      policy: e.policy,
      model: e.model,
      deviceId: e.deviceId,
      predictedMs: e.predictedMs ?? null,
      decisionUs: e.decisionUs,
    });
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
