export * from './interfaces/inference-job.interface';
export * from './interfaces/scheduling-policy.interface';
export * from './interfaces/service-time-estimator.interface';
