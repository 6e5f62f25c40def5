import type { LoadRequest, SendResult } from '../load/request-record.interface';
import type { WorkloadClass } from '../scenario/workload-classes';
import type { BenchDevice, LaneKind } from '../stats/lane-result.interface';

/** One lane to run against a real target. */
export interface LaneSpec {
  lane: string;
  kind: LaneKind;
  /** Policy name, or the device id the lane is pinned to / runs directly on. */
  subject: string;
}

/** What a real target knows of the host it ran on. */
export interface TargetHostInfo {
  devices: BenchDevice[];
  /** Parallel session runs per device id that the pools really do (workers). */
  workers: Record<string, number>;
  /** The calibration profile the scheduler used (path), when there is one. */
  calibrationProfile?: string;
  calibrationStatus?: string;
}

/**
 * A running system the load generator drives: the app in this process, a server over HTTP, or
 * raw device pools. `sender` returns the function one lane's requests go through.
 */
export interface RealTarget {
  readonly name: 'inproc' | 'http' | 'direct';
  /** The serving (scheduler, pools) runs on this process's main thread, whose busy time is then measurable. */
  readonly servesInProcess: boolean;
  host(): TargetHostInfo;
  /** Puts the target back in the same start state before each lane (e.g. the estimator). */
  beforeLane(lane: LaneSpec): Promise<void>;
  sender(lane: LaneSpec, classes: readonly WorkloadClass[]): (request: LoadRequest) => Promise<SendResult>;
  /** What the target's queues hold now (logged when a lane leaves requests unanswered). */
  diagnose?(): unknown;
  close(): Promise<void>;
}
