import { Injectable } from '@nestjs/common';
import { InvalidRequestError } from '@switchyard/common';
import { RequestDecoderService } from '@switchyard/inference';
import type { JobRequestSpec } from '../interfaces/job-submission.interface';

/**
 * Checks a job's request against its model with the /v2 path's own decoder, so that bad input
 * is refused at submission, before anything is enqueued. Jobs return JSON results, so binary
 * outputs are refused too.
 */
@Injectable()
export class JobRequestValidator {
  constructor(private readonly decoder: RequestDecoderService) {}

  /** Throws the /v2 path's typed error (400, 404, 503), prefixed with `where` when there are several. */
  async validate(spec: JobRequestSpec, where?: string): Promise<void> {
    try {
      const { request } = await this.decoder.decode(spec.model, spec.version, spec.request, undefined);
      this.decoder.release(request); // only checked here: the consumer decodes it again when it runs
      const binaryOutput = request.outputs.find((o) => o.binary);
      if (binaryOutput) {
        throw new InvalidRequestError(
          `output '${binaryOutput.name}': the jobs API returns JSON results; binary_data outputs are not supported`,
        );
      }
    } catch (err) {
      if (where !== undefined && err instanceof Error) err.message = `${where}: ${err.message}`;
      throw err;
    }
  }
}
