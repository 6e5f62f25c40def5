import { Injectable } from '@nestjs/common';
import { InferenceService, ResponseEncoderService } from '@switchyard/inference';
import { TenantDirectory } from '@switchyard/security';
import { ModelRepositoryService } from '@switchyard/models';
import type { JobPayload } from '../interfaces/job-payload.interface';
import type { InferResponseJson, JobRunner } from '../interfaces/job-runner.interface';

/**
 * Runs a job through the same path as POST /v2/models/{m}/infer (decoder, scheduler, device
 * pools) and takes the outcome as JSON values, without printing and re-parsing it. What is left
 * of the job's deadline becomes the request's `timeout` parameter, so the device queues drop it
 * rather than run it late.
 */
@Injectable()
export class InferenceJobRunner implements JobRunner {
  constructor(
    private readonly inference: InferenceService,
    private readonly encoder: ResponseEncoderService,
    private readonly tenants: TenantDirectory,
    private readonly models: ModelRepositoryService,
  ) {}

  async run(payload: JobPayload, remainingMs: number | undefined): Promise<InferResponseJson> {
    // the submitting tenant's allow-lists hold on the node that runs it too (unknown here: none)
    const caller = payload.tenant !== undefined ? this.tenants.byTenantName(payload.tenant) : undefined;
    const request = withRemainingTime(payload.request, remainingMs);
    const result = await this.inference.run(payload.model, payload.version, request, undefined, caller ? { caller } : {});
    return this.encoder.toJson(result) as unknown as InferResponseJson;
  }

  remoteTier(payload: JobPayload): string | undefined {
    const pinned = (payload.request.parameters as Record<string, unknown> | undefined)?.device;
    if (pinned !== undefined) return typeof pinned === 'string' && isRemote(pinned) ? pinned : undefined;
    try {
      const { devices } = this.models.get(payload.model, payload.version);
      return devices.length > 0 && devices.every(isRemote) ? devices[0] : undefined;
    } catch {
      return undefined; // an unknown model fails when the job runs
    }
  }
}

function isRemote(deviceId: string): boolean {
  return deviceId.startsWith('remote:');
}

/** The request with its `timeout` parameter cut to what is left of the job's deadline. */
function withRemainingTime(request: Record<string, unknown>, remainingMs: number | undefined): Record<string, unknown> {
  if (remainingMs === undefined) return request;
  const parameters = { ...((request.parameters as Record<string, unknown> | undefined) ?? {}) };
  const micros = Math.max(1, Math.floor(remainingMs * 1000));
  const own = parameters.timeout;
  if (typeof own !== 'number' || own <= 0 || own > micros) parameters.timeout = micros;
  return { ...request, parameters };
}
