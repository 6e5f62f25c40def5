/** Bull's progress field of a job: where it is and which node holds it. */
export interface JobProgress {
  stage: 'queued' | 'running' | 'done';
  /** Node running the current attempt. */
  node?: string;
  /** 1-based attempt number. */
  attempt?: number;
  /** Epoch ms the current attempt started. */
  startedAt?: number;
}
