import type { CalibrationProfile } from '@switchyard/scheduler';

/** One measured point of a learned curve: runs of about `batchSize` rows (one batch bucket) took `ms`. */
export interface LearnedPoint {
  batchSize: number;
  ms: number;
  samples: number;
}

/**
 * What one node measured of one model digest on one of its devices: the scheduler's online
 * service-time curve (one point per power-of-two batch bucket).
 */
export interface LearnedCurve {
  /** Model key (name@version) on the node that measured it. */
  model: string;
  /** sha256 of the model file: curves of the same digest are comparable across nodes. */
  modelSha256: string;
  deviceId: string;
  deviceKind: string;
  points: LearnedPoint[];
}

/**
 * Everything one node has learned, owned and written by that node only: the value of one entry
 * of the cluster state. A newer `version` replaces an older one.
 */
export interface NodeLearning {
  nodeId: string;
  /**
   * Strictly increasing per node (max(previous + 1, epoch ms)), so a node that restarts under
   * the same id still supersedes what it published before.
   */
  version: number;
  /** ISO time of this version. */
  updatedAt: string;
  /** Hardware fingerprint (CPU, devices, onnxruntime): learned curves transfer between equal ones. */
  hardware: string;
  /** The calibration profile the node runs with (its fingerprint includes the models), if any. */
  calibration?: CalibrationProfile;
  /** Node id that measured `calibration` (itself, or the peer it started warm from). */
  calibratedBy?: string;
  curves: LearnedCurve[];
}

/**
 * The replicated state (a state-based CRDT): node id -> that node's latest NodeLearning. Merge
 * takes, per node, the entry of the higher version (mergeClusterStates).
 */
export interface ClusterState {
  nodes: Record<string, NodeLearning>;
}
