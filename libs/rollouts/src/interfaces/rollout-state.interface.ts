import type { RolloutSpec } from './rollout-spec.interface';

export type RolloutStatus = 'progressing' | 'paused' | 'promoted' | 'rolled_back' | 'aborted';

/** What one interval's analysis decided. */
export type RolloutDecisionKind =
  'start' | 'wait' | 'pass' | 'step' | 'fail' | 'rollback' | 'promote' | 'hold' | 'pause' | 'resume' | 'abort';

/** Measured figures of one version over an interval (or since the start). */
export interface VersionFigures {
  requests: number;
  errors: number;
  error_rate: number | null;
  p99_ms: number | null;
  /** Feedback: answers judged, correct ones, accuracy and its 95 % interval. */
  feedback?: { judged: number; correct: number; accuracy: number | null; ci95: [number, number] | null };
  /** Shadow mode: mirrored requests compared with the primary's answer, and the share that agreed. */
  compared?: number;
  agreement?: number | null;
}

export interface RolloutStep {
  at: string;
  decision: RolloutDecisionKind;
  weight: number;
  reason: string;
  primary?: VersionFigures;
  candidate?: VersionFigures;
}

/** A rollout as stored (survives restarts; with Redis, the same on every node) and shown by GET. */
export interface RolloutState {
  /** This rollout's id (a new PUT starts a new one); its measurements are kept under it. */
  id: string;
  /** Bumped by every write: a write based on an older revision is refused (compare-and-set). */
  revision: number;
  spec: RolloutSpec;
  status: RolloutStatus;
  weight: number;
  /** Failed checks in a row. */
  failed_checks: number;
  created_at: string;
  updated_at: string;
  reason: string;
  /** When the last analysis ran (the next is due interval_s later, on whichever node takes it). */
  analysed_at?: string;
  steps: RolloutStep[];
  /** Feedback tallies by version as of the last analysis (persisted: accuracy gates promotion across restarts). */
  accuracy: Record<string, { judged: number; correct: number }>;
  /** Shadow comparisons since the start, as of the last analysis. */
  shadow: { compared: number; agreed: number };
}
