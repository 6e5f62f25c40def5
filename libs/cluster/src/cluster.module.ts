import { Module } from '@nestjs/common';
import { ModelsModule } from '@switchyard/models';
import { SchedulerModule } from '@switchyard/scheduler';
import { ClusterController } from './cluster.controller';
import { ClusterService } from './cluster.service';
import { PeerClientAdapter } from './transport/peer-client.adapter';

/**
 * Shared learning between nodes: the replicated state (a CRDT) of calibration profiles and
 * service-time curves, exchanged with SWITCHYARD_PEERS, GET /v1/cluster and POST /v1/cluster/sync.
 * Needs the global CommonModule (events) and SwitchyardConfigModule (config).
 */
@Module({
  imports: [SchedulerModule, ModelsModule],
  controllers: [ClusterController],
  providers: [PeerClientAdapter, ClusterService],
  exports: [ClusterService],
})
export class ClusterModule {}
