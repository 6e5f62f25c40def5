import { Inject, Injectable } from '@nestjs/common';
import { InvalidRequestError } from '@switchyard/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { assertReady, DEFAULT_MAX_TENSOR_ELEMENTS, InferRequestValidator, readInferRequest, splitInferBody } from '@switchyard/inference';
import { ModelRepositoryService } from '@switchyard/models';
import type { JobRequestSpec } from '../interfaces/job-submission.interface';

/**
 * Checks a job's request against its model with the /v2 path's own validation (the same
 * functions InferenceService uses), so that bad input is refused at submission, before anything
 * is enqueued. Jobs return JSON results, so binary outputs are refused too.
 */
@Injectable()
export class JobRequestValidator {
  private readonly validator: InferRequestValidator;

  constructor(
    @Inject(SWITCHYARD_CONFIG) config: SwitchyardConfig,
    private readonly models: ModelRepositoryService,
  ) {
    this.validator = new InferRequestValidator({ maxTensorElements: config.http.maxTensorElements ?? DEFAULT_MAX_TENSOR_ELEMENTS });
  }

  /** Throws the /v2 path's typed error (400, 404, 503), prefixed with `where` when there are several. */
  validate(spec: JobRequestSpec, where?: string): void {
    try {
      const model = this.models.get(spec.model, spec.version);
      assertReady(model);
      const { header, binary } = splitInferBody(spec.request, undefined);
      const validated = this.validator.validate(model, readInferRequest(header), binary);
      const binaryOutput = validated.outputs.find((o) => o.binary);
      if (binaryOutput) {
        throw new InvalidRequestError(`output '${binaryOutput.name}': the jobs API returns JSON results; binary_data outputs are not supported`);
      }
    } catch (err) {
      if (where !== undefined && err instanceof Error) err.message = `${where}: ${err.message}`;
      throw err;
    }
  }
}
