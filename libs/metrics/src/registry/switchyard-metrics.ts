import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { BATCH_SIZE_BUCKETS, DECISION_BUCKETS_SECONDS, DURATION_BUCKETS_SECONDS, PREDICTION_ERROR_BUCKETS } from './metric-buckets';

const DEVICE = ['device', 'kind'] as const;
const DEVICE_MODEL = ['device', 'kind', 'model'] as const;

/**
 * Every Switchyard instrument, registered in the given registry. docs/metrics.md documents each
 * one; test/docker-files checks that dashboards and alerts only use these names.
 */
export function createSwitchyardMetrics(registry: Registry) {
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge<L>({ name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
    new Histogram<L>({ name, help, labelNames, buckets, registers });

  return {
    requests: counter('switchyard_requests_total', 'Admitted inference requests that finished, by device, model and outcome (ok|error).', [
      ...DEVICE_MODEL,
      'outcome',
    ]),
    errors: counter('switchyard_errors_total', 'Admitted requests that failed, by device and reason.', [...DEVICE, 'reason']),
    rejected: counter(
      'switchyard_rejected_requests_total',
      'Requests refused before dispatch (overload, deadline, expired, no_device, invalid, quarantined, client_gone); device "none" when refused before placement.',
      [...DEVICE, 'reason'],
    ),
    batches: counter('switchyard_batches_total', 'Session runs (possibly merged batches) handed to a device pool.', DEVICE_MODEL),
    batchRequests: counter(
      'switchyard_batch_requests_total',
      'Requests carried by the session runs handed to a device pool.',
      DEVICE_MODEL,
    ),
    retries: counter(
      'switchyard_retries_total',
      'Jobs placed again on another device after their run on this one failed, hung or crashed, or it was quarantined.',
      DEVICE,
    ),
    healthChanges: counter('switchyard_device_health_changes_total', 'Health state changes of the device, by the state entered.', [
      ...DEVICE,
      'state',
    ]),
    workerRestarts: counter('switchyard_worker_restarts_total', 'Pool workers that died and were replaced.', DEVICE),
    decisions: counter('switchyard_scheduler_decisions_total', 'Placements made by the scheduler, by policy and chosen device.', [
      'policy',
      'device',
    ]),
    busySeconds: counter(
      'switchyard_device_busy_seconds_total',
      'Wall time during which the device ran at least one job; rate() of it is the busy ratio.',
      DEVICE,
    ),
    telemetrySkipped: counter(
      'switchyard_telemetry_skipped_ticks_total',
      'Telemetry ticks skipped because the previous sample was still running.',
      [],
    ),
    modelRequests: counter(
      'switchyard_model_requests_total',
      'Inference requests answered for a resolved model version, by model, version and outcome (ok|error).',
      ['model', 'version', 'outcome'],
    ),
    rolloutDecisions: counter(
      'switchyard_rollout_decisions_total',
      'Rollout analysis decisions (start, step, fail, rollback, promote, hold, pause, resume, abort).',
      ['model', 'decision'],
    ),
    feedback: counter(
      'switchyard_feedback_total',
      'Answers judged by callers (POST /v1/feedback), by model, version and correct (true|false).',
      ['model', 'version', 'correct'],
    ),
    telemetryErrors: counter('switchyard_telemetry_errors_total', 'Telemetry samples that failed, by source (host|nvidia).', ['source']),

    inferenceDuration: histogram(
      'switchyard_inference_duration_seconds',
      'Session run time of the runs that served requests (inside the worker).',
      DEVICE_MODEL,
      DURATION_BUCKETS_SECONDS,
    ),
    requestDuration: histogram(
      'switchyard_request_duration_seconds',
      'Request latency from arrival to answer, admitted requests.',
      DEVICE_MODEL,
      DURATION_BUCKETS_SECONDS,
    ),
    queueWait: histogram(
      'switchyard_queue_wait_seconds',
      'Time requests waited before their session run started (scheduler queue plus pool queue).',
      DEVICE_MODEL,
      DURATION_BUCKETS_SECONDS,
    ),
    modelRequestDuration: histogram(
      'switchyard_model_request_duration_seconds',
      'Latency of answered requests by model and version (rollouts compare these).',
      ['model', 'version'],
      DURATION_BUCKETS_SECONDS,
    ),
    batchSize: histogram('switchyard_batch_size', 'Rows per session run handed to a device pool.', DEVICE_MODEL, BATCH_SIZE_BUCKETS),
    decisionDuration: histogram(
      'switchyard_scheduler_decision_duration_seconds',
      'Time the scheduler took to place one job.',
      ['policy'],
      DECISION_BUCKETS_SECONDS,
    ),
    predictionError: histogram(
      'switchyard_prediction_error_ratio',
      "Relative error of the policy's predicted latency: |predicted - actual| / actual.",
      ['policy', 'device'],
      PREDICTION_ERROR_BUCKETS,
    ),
    telemetryDuration: histogram(
      'switchyard_telemetry_sample_duration_seconds',
      'Time one telemetry sample (host and nvidia-smi) took.',
      [],
      [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ),

    rolloutWeight: gauge(
      'switchyard_rollout_weight',
      "Percent of a model's unpinned traffic its rollout candidate gets (mirrored in shadow mode).",
      ['model', 'primary', 'candidate'],
    ),
    rolloutState: gauge(
      'switchyard_rollout_state',
      "Always 1 for the current state (progressing, paused, promoted, rolled_back, aborted) of a model's rollout.",
      ['model', 'state'],
    ),
    queueDepth: gauge(
      'switchyard_queue_depth',
      'Jobs waiting for the device (scheduler queues; pool backlog when no scheduler is wired).',
      DEVICE,
    ),
    queueLimit: gauge('switchyard_queue_limit', 'Jobs that may wait for the device before admission refuses (429).', DEVICE),
    inFlight: gauge('switchyard_inflight', 'Tasks handed to the device pool and not finished.', DEVICE),
    capacity: gauge('switchyard_device_capacity', 'Tasks the device pool runs at once (workers x concurrent tasks).', DEVICE),
    workers: gauge('switchyard_workers', 'Live workers in the device pool.', DEVICE),
    busyRatio: gauge('switchyard_device_busy_ratio', 'Share of the last 10 s during which the device ran at least one job.', DEVICE),
    utilization: gauge(
      'switchyard_device_utilization_ratio',
      'Device utilisation 0..1: host CPU load, nvidia-smi GPU utilisation, else the busy ratio.',
      DEVICE,
    ),
    memoryUsed: gauge('switchyard_device_memory_used_bytes', 'Device memory in use (host memory for the CPU).', DEVICE),
    memoryTotal: gauge('switchyard_device_memory_total_bytes', 'Device memory size (host memory for the CPU).', DEVICE),
    temperature: gauge('switchyard_device_temperature_celsius', 'GPU temperature (NVIDIA only).', DEVICE),
    power: gauge('switchyard_device_power_watts', 'Board power draw (NVIDIA only).', DEVICE),
    health: gauge('switchyard_device_health', 'Always 1 for the state the device is in (healthy|degraded|quarantined), 0 for the others.', [
      ...DEVICE,
      'state',
    ]),
    clusterNodes: gauge('switchyard_cluster_nodes', 'Nodes in the merged view of shared learning, this one included.', []),
    clusterPeers: gauge(
      'switchyard_cluster_peers',
      'Configured peers (SWITCHYARD_PEERS) by the outcome of the last exchange with each (reachable|unreachable).',
      ['state'],
    ),
    clusterStateVersion: gauge('switchyard_cluster_state_version', "Version of this node's own entry in the shared state.", []),
    clusterLastMergeAge: gauge(
      'switchyard_cluster_last_merge_age_seconds',
      "Seconds since a peer's state was last merged into this node's (absent until the first merge).",
      [],
    ),
    info: gauge('switchyard_device_info', 'Always 1: static facts of each device as labels.', [
      ...DEVICE,
      'name',
      'vendor',
      'ep',
      'usable',
    ]),
  };
}

export type SwitchyardMetrics = ReturnType<typeof createSwitchyardMetrics>;
