// The scheduler's public API: the module and its service, the scheduling contracts (policies,
// estimator, framework, registry) and the pure dispatch functions the simulator shares (device
// load, batch queues, ready-queue pick, service-time prediction, calibration sweep), the status
// DTO, the calibration profile format and the errors a run can end with. The dispatcher, the
// single policies and their helpers are internals (specs and benchmarks
// reach them through @switchyard/scheduler/testing).
export * from './interfaces/inference-job.interface';
export * from './interfaces/client-gone-signal.interface';
export * from './interfaces/scheduling-policy.interface';
export * from './interfaces/service-time-estimator.interface';
export * from './framework/scheduling-framework';
export * from './estimator/estimator-snapshot.interface';
export * from './estimator/estimator-snapshot.error';
export * from './estimator/ewma-service-time-estimator';
export * from './policies/policy-factory.interface';
export * from './policies/policy-registry';
export * from './policies/default-policy-factories';
export * from './policies/errors/duplicate-policy.error';
export * from './policies/errors/unknown-policy.error';
export * from './dispatch/tensor-batching';
export * from './dispatch/model-batch-queue';
export * from './dispatch/batch-entry.interface';
export * from './dispatch/device-load';
export * from './dispatch/queues-revision';
export * from './dispatch/pick-ready-queue';
export * from './dispatch/service-time-prediction';
export * from './dispatch/scheduler-status.dto';
export * from './calibration/calibration-profile.interface';
export * from './calibration/calibration-profile-source.interface';
export * from './calibration/calibration-state.interface';
export * from './calibration/host-fingerprint';
export * from './calibration/calibration-sweep';
// the cluster lib feeds it profiles from peers (warm start) and reads its state
export * from './calibration/calibration.service';
export * from './scheduler.service';
export * from './scheduler.module';
export * from './errors/device-quarantined.error';
export * from './errors/run-failed.error';
export * from './errors/device-stalling.error';
