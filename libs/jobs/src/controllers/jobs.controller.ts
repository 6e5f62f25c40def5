import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { type Caller, CurrentCaller, Scope } from '@switchyard/common';
import { INFERENCE_HEADER_CONTENT_LENGTH } from '@switchyard/inference';
import { JOBS_API } from '../jobs.tokens';
import type { JobView } from '../interfaces/job-view.interface';
import type { JobsApi } from '../interfaces/jobs-api.interface';

/** POST /v1/jobs, GET /v1/jobs/{id}, DELETE /v1/jobs/{id} (see docs/jobs.md). */
@Controller('v1/jobs')
@Scope('jobs')
export class JobsController {
  constructor(@Inject(JOBS_API) private readonly jobs: JobsApi) {}

  @Post()
  @HttpCode(202)
  async submit(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers(INFERENCE_HEADER_CONTENT_LENGTH) inferenceHeaderLength: string | undefined,
    @CurrentCaller() caller: Caller | undefined,
  ): Promise<{ job_ids: string[]; replayed: boolean }> {
    const { jobIds, replayed } = await this.jobs.submit(body, { idempotencyKey, inferenceHeaderLength, ...(caller ? { caller } : {}) });
    return { job_ids: jobIds, replayed };
  }

  @Get(':id')
  get(@Param('id') id: string, @CurrentCaller() caller: Caller | undefined): Promise<JobView> {
    return this.jobs.get(id, caller?.tenant);
  }

  @Delete(':id')
  @HttpCode(200)
  cancel(@Param('id') id: string, @CurrentCaller() caller: Caller | undefined): Promise<JobView> {
    return this.jobs.cancel(id, caller?.tenant);
  }
}
