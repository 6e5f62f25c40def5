/** One configured peer, as of the last exchange with it. */
export interface PeerView {
  url: string;
  /** The node id that answered there. */
  nodeId?: string;
  reachable: boolean;
  /** ISO time of the last successful exchange. */
  lastExchangeAt?: string;
  lastError?: string;
}

/** One node of the merged view. */
export interface ClusterNodeView {
  nodeId: string;
  self: boolean;
  version: number;
  updatedAt: string;
  hardware: string;
  /** Same hardware fingerprint as this node: its curves are priors here. */
  sameHardware: boolean;
  /** Fingerprint of the calibration profile it runs with (hardware and models). */
  calibrationFingerprint?: string;
  /** Node that measured that profile (itself, or the one it started warm from). */
  calibratedBy?: string;
  curves: number;
}

/** GET /v1/cluster. */
export interface ClusterView {
  nodeId: string;
  hardware: string;
  syncIntervalMs: number;
  peers: PeerView[];
  /** ISO time a peer's state was last merged into this node's (pulled or pushed); absent: never. */
  lastMergeAt?: string;
  lastMergeAgeMs?: number;
  /** How this node's calibration started: cold (measured here), warm (from a cluster node), file, skipped... */
  calibration: { status: string; source?: string; fingerprint?: string; elapsedMs?: number };
  /** Priors this node took from peers for pairs it had not measured: "model on device <- node". */
  priors: string[];
  nodes: ClusterNodeView[];
}
