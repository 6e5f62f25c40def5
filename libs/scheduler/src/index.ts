export * from './interfaces/inference-job.interface';
