// Scheduler internals for specs and benchmarks (@switchyard/scheduler/testing): the dispatcher,
// the calibration service and the single policies, driven directly. Not part of the production
// barrel.
export * from '../policies/adaptive.policy';
export * from '../policies/adaptive-cost-blind.policy';
export * from '../policies/round-robin.policy';
export * from '../policies/random.policy';
export * from '../policies/least-loaded.policy';
export * from '../policies/fastest-device.policy';
export * from '../dispatch/device-dispatcher';
export * from '../dispatch/device-snapshot';
export * from '../calibration/synthetic-inputs';
