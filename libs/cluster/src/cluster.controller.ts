import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { InvalidRequestError, Scope } from '@switchyard/common';
import { CalibrationService } from '@switchyard/scheduler';
import { ClusterService } from './cluster.service';
import { parseClusterState } from './crdt/parse-cluster-state';
import type { ClusterView } from './interfaces/cluster-view.interface';
import type { SyncMessage } from './transport/peer-client.adapter';

const NODE_ID = /^[\w.:-]{1,128}$/;

/** The merged view of what the nodes learned (GET) and the push-pull exchange between peers (POST sync). */
@Controller('v1/cluster')
@Scope('admin')
export class ClusterController {
  constructor(
    private readonly cluster: ClusterService,
    private readonly calibration: CalibrationService,
  ) {}

  @Get()
  view(): ClusterView {
    const state = this.cluster.state();
    const hardware = this.cluster.hardwareFingerprint();
    const mergedAt = this.cluster.lastMergeAt();
    const c = this.calibration.state();
    return {
      nodeId: this.cluster.nodeId,
      hardware,
      syncIntervalMs: this.cluster.syncIntervalMs,
      peers: this.cluster.peers().map((p) => ({
        url: p.url,
        nodeId: p.nodeId,
        reachable: p.reachable,
        lastExchangeAt: p.lastExchangeAt === undefined ? undefined : new Date(p.lastExchangeAt).toISOString(),
        lastError: p.lastError,
      })),
      lastMergeAt: mergedAt === undefined ? undefined : new Date(mergedAt).toISOString(),
      lastMergeAgeMs: mergedAt === undefined ? undefined : Date.now() - mergedAt,
      calibration: { status: c.status, source: c.source, fingerprint: c.fingerprint, elapsedMs: c.elapsedMs },
      priors: this.cluster.priors().map((p) => `${p.modelKey} on ${p.deviceId} <- ${p.from}`),
      nodes: Object.values(state.nodes).map((n) => ({
        nodeId: n.nodeId,
        self: n.nodeId === this.cluster.nodeId,
        version: n.version,
        updatedAt: n.updatedAt,
        hardware: n.hardware,
        sameHardware: n.hardware === hardware,
        calibrationFingerprint: n.calibration?.fingerprint,
        calibratedBy: n.calibratedBy,
        curves: n.curves.length,
      })),
    };
  }

  /** Body {"from": "<node id>", "state": {...}}: merged into this node's state; the answer is the merged state. */
  @Post('sync')
  @HttpCode(200)
  sync(@Body() body: unknown): SyncMessage {
    const from = (body as Partial<SyncMessage> | null)?.from;
    if (typeof from !== 'string' || !NODE_ID.test(from)) throw new InvalidRequestError('"from" must be the sender\'s node id');
    return this.cluster.receive({ from, state: parseClusterState((body as SyncMessage).state) });
  }
}
