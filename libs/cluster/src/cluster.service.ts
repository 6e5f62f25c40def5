import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { SwitchyardEvents } from '@switchyard/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { ModelRepositoryService } from '@switchyard/models';
import { RuntimeService } from '@switchyard/runtime';
import {
  CalibrationService,
  EwmaServiceTimeEstimator,
  hardwareFingerprint,
  type CalibrationProfile,
  type CalibrationProfileSource,
} from '@switchyard/scheduler';
import { mergeClusterStates, withEntry } from './crdt/merge-cluster-states';
import type { ClusterState, NodeLearning } from './interfaces/node-learning.interface';
import { learnedCurves, type LocalCatalogue } from './learning/learned-curves';
import { priorsFromPeers } from './learning/priors-from-peers';
import { PeerClientAdapter, type SyncMessage } from './transport/peer-client.adapter';

/** A configured peer as of the last exchange with it. */
export interface PeerStatus {
  url: string;
  nodeId?: string;
  reachable: boolean;
  lastExchangeAt?: number;
  lastError?: string;
}

/**
 * Shared learning: this node's replica of the cluster state (what every node measured: its
 * calibration profile and the scheduler's service-time curves), refreshed from its own estimator,
 * exchanged push-pull with every configured peer each CLUSTER_SYNC_MS and with every peer that
 * calls in. Merged peers' curves become priors of the estimator for pairs this node has not
 * measured; a peer's profile of this node's fingerprint is a warm start (CalibrationProfileSource).
 *
 * @remarks A peer that cannot be reached only marks it unreachable: the node keeps serving on
 * its own state and the next exchange that gets through merges everything missed.
 */
@Injectable()
export class ClusterService implements CalibrationProfileSource, OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ClusterService.name);
  private replica: ClusterState = { nodes: {} };
  private version = 0;
  private published = '';
  private hardware = '';
  private firstRound: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private mergedAt: number | undefined;
  private warmFrom: string | undefined;
  private readonly peerStatus = new Map<string, PeerStatus>();
  /** (model, device) -> the prior applied to the estimator (its points' text and source node). */
  private readonly applied = new Map<string, { text: string; from: string; modelKey: string; deviceId: string }>();

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly calibration: CalibrationService,
    private readonly estimator: EwmaServiceTimeEstimator,
    private readonly runtime: RuntimeService,
    private readonly models: ModelRepositoryService,
    private readonly events: SwitchyardEvents,
    private readonly client: PeerClientAdapter,
  ) {
    for (const url of config.cluster.peers) this.peerStatus.set(url, { url, reachable: false });
  }

  get nodeId(): string {
    return this.config.jobs.nodeId;
  }

  get syncIntervalMs(): number {
    return this.config.cluster.syncIntervalMs;
  }

  onModuleInit(): void {
    this.calibration.addProfileSource(this);
  }

  onApplicationBootstrap(): void {
    void this.start();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** The merged state (this node's entry refreshed first). */
  state(): ClusterState {
    this.refreshOwn();
    return this.replica;
  }

  peers(): PeerStatus[] {
    return [...this.peerStatus.values()].map((p) => ({ ...p }));
  }

  lastMergeAt(): number | undefined {
    return this.mergedAt;
  }

  hardwareFingerprint(): string {
    return this.hardware;
  }

  /** Priors taken from peers that the estimator still holds (not replaced by own measurements). */
  priors(): Array<{ modelKey: string; deviceId: string; from: string }> {
    return [...this.applied.values()]
      .filter((p) => !this.estimator.hasMeasured(p.modelKey, p.deviceId))
      .map(({ modelKey, deviceId, from }) => ({ modelKey, deviceId, from }));
  }

  /** A peer pushed its state (POST /v1/cluster/sync): merge it, answer with ours. */
  receive(message: SyncMessage): SyncMessage {
    this.merge(message.state);
    this.emitSynced();
    return { from: this.nodeId, state: this.state() };
  }

  /** See CalibrationProfileSource: waits (bounded) for the first exchange, then looks in the merged view. */
  async find(fingerprint: string): Promise<{ profile: CalibrationProfile; from: string } | undefined> {
    const wait = this.config.cluster.joinTimeoutMs;
    if (this.peerStatus.size > 0 && wait > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.start(), new Promise((resolve) => (timer = setTimeout(resolve, wait)))]);
      clearTimeout(timer);
    }
    const holders = Object.values(this.replica.nodes)
      .filter((n) => n.nodeId !== this.nodeId && n.calibration?.fingerprint === fingerprint)
      .sort((a, b) => b.calibration!.createdAt.localeCompare(a.calibration!.createdAt) || a.nodeId.localeCompare(b.nodeId));
    const holder = holders[0];
    if (holder === undefined) return undefined;
    this.warmFrom = holder.calibratedBy ?? holder.nodeId;
    return { profile: holder.calibration!, from: holder.nodeId };
  }

  /** Starts the exchange rounds once; settles when the first round has ended. */
  private start(): Promise<void> {
    if (this.firstRound === undefined) {
      this.firstRound = this.round();
      if (this.peerStatus.size > 0) {
        this.timer = setInterval(() => void this.round(), this.config.cluster.syncIntervalMs);
        this.timer.unref();
      }
    }
    return this.firstRound;
  }

  private async round(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const timeoutMs = Math.max(1000, this.config.cluster.syncIntervalMs);
      await Promise.all([...this.peerStatus.values()].map((peer) => this.exchange(peer, timeoutMs)));
      this.emitSynced();
    } finally {
      this.running = false;
    }
  }

  private async exchange(peer: PeerStatus, timeoutMs: number): Promise<void> {
    try {
      const reply = await this.client.exchange(peer.url, { from: this.nodeId, state: this.state() }, timeoutMs, this.config.cluster.key);
      this.merge(reply.state);
      if (!peer.reachable) this.logger.log(`peer ${peer.url} (${reply.from}) reachable: states merged`);
      Object.assign(peer, { nodeId: reply.from, reachable: true, lastExchangeAt: Date.now(), lastError: undefined });
    } catch (err) {
      const message = (err as Error).message;
      if (peer.reachable || peer.lastError === undefined)
        this.logger.warn(`peer ${peer.url} unreachable, serving on this node's own state: ${message}`);
      Object.assign(peer, { reachable: false, lastError: message });
    }
  }

  private merge(incoming: ClusterState): void {
    this.refreshOwn();
    this.replica = mergeClusterStates(this.replica, incoming);
    this.mergedAt = Date.now();
    this.applyPriors();
  }

  /** Publishes a new version of this node's entry when what it knows changed (or another process wrote a newer one under its id). */
  private refreshOwn(): void {
    const inputs = this.calibration.fingerprintInputs();
    this.hardware = hardwareFingerprint(inputs);
    const profile = this.calibration.profile();
    const entry: Omit<NodeLearning, 'version' | 'updatedAt'> = {
      nodeId: this.nodeId,
      hardware: this.hardware,
      curves: learnedCurves(this.estimator.measuredSnapshot(), this.catalogue()),
    };
    if (profile) Object.assign(entry, { calibration: profile, calibratedBy: this.warmFrom ?? this.nodeId });
    const text = JSON.stringify(entry);
    const seen = this.replica.nodes[this.nodeId]?.version ?? 0;
    if (text === this.published && seen <= this.version) return;
    this.version = Math.max(this.version + 1, seen + 1, Date.now());
    this.published = text;
    this.replica = withEntry(this.replica, { ...entry, version: this.version, updatedAt: new Date().toISOString() });
  }

  private applyPriors(): void {
    if (this.hardware === '') return;
    for (const prior of priorsFromPeers(this.replica, { nodeId: this.nodeId, hardware: this.hardware }, this.catalogue())) {
      const key = `${prior.modelKey}\u0000${prior.deviceId}`;
      const text = JSON.stringify(prior.points);
      if (this.applied.get(key)?.text === text) continue;
      if (this.estimator.prior(prior.modelKey, prior.deviceId, prior.points)) {
        this.applied.set(key, { text, from: prior.from, modelKey: prior.modelKey, deviceId: prior.deviceId });
      }
    }
  }

  private catalogue(): LocalCatalogue {
    return {
      models: new Map(this.models.list().flatMap((m) => (m.state === 'READY' ? [[m.key, m.sha256] as const] : []))),
      devices: new Map(this.runtime.pools().map((p) => [p.device.id, p.device.kind] as const)),
    };
  }

  private emitSynced(): void {
    const reachable = [...this.peerStatus.values()].filter((p) => p.reachable).length;
    this.events.emit('cluster.synced', {
      nodes: Object.keys(this.replica.nodes).length,
      peersReachable: reachable,
      peersUnreachable: this.peerStatus.size - reachable,
      version: this.version,
      lastMergeAt: this.mergedAt,
    });
  }
}
