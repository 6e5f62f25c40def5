import { Injectable } from '@nestjs/common';
import { UnavailableError } from '@switchyard/common';
import { REDIS_REQUIRED_MESSAGE } from '../jobs.constants';
import type { JobView } from '../interfaces/job-view.interface';
import type { JobsApi } from '../interfaces/jobs-api.interface';
import type { SubmitResult } from '../interfaces/job-submission.interface';

/** The jobs API of a node without Redis: every call says how to turn it on (503). */
@Injectable()
export class RedisRequiredService implements JobsApi {
  submit(): Promise<SubmitResult> {
    return Promise.reject(new UnavailableError(REDIS_REQUIRED_MESSAGE));
  }

  get(): Promise<JobView> {
    return Promise.reject(new UnavailableError(REDIS_REQUIRED_MESSAGE));
  }

  cancel(): Promise<JobView> {
    return Promise.reject(new UnavailableError(REDIS_REQUIRED_MESSAGE));
  }
}
